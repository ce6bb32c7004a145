import t from "tap";
import { Budget } from "../../src/constructs/budget.ts";
import { allEnvironments, resources, synth, synthAlone } from "../helpers.ts";

for (const config of allEnvironments) {
  t.test(`${config.name}: a monthly cost budget e-mailing at 80% actual and 100% forecast`, async (t) => {
    const budgets = resources(synth(config), "aws_budgets_budget").map(([, p]) => p);
    t.equal(budgets.length, 1);
    t.match(budgets[0], {
      name: `bill-mw-${config.name}-monthly`,
      budget_type: "COST",
      time_unit: "MONTHLY",
      limit_amount: config.monthlyBudgetUsd.toFixed(2),
      limit_unit: "USD",
      notification: [
        {
          notification_type: "ACTUAL",
          threshold: 80,
          threshold_type: "PERCENTAGE",
          subscriber_email_addresses: config.alarmEmails.warning,
        },
        { notification_type: "FORECASTED", threshold: 100, threshold_type: "PERCENTAGE" },
      ],
    });
  });
}

t.test("a budget without an amount or a subscriber is refused", async (t) => {
  const build = (limitUsd: number, emails: string[]) => () =>
    synthAlone((stack) => new Budget(stack, "b", { namePrefix: "x", limitUsd, emails }));
  t.throws(build(0, ["a@example.com"]), /positive amount/);
  t.throws(build(100, []), /at least one e-mail/);
});
