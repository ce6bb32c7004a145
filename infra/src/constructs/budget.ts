import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget/index.js";
import { Construct } from "constructs";

export interface BudgetProps {
  /** Prefix of the budget's name (`<namePrefix>-monthly`). Required; no default. */
  readonly namePrefix: string;
  /** Monthly limit, USD (environments.ts `monthlyBudgetUsd`, set from `npm run cost`). Required; no default. */
  readonly limitUsd: number;
  /** Who is e-mailed (the warning addresses). Required; no default. */
  readonly emails: readonly string[];
  /** Percent of the limit actually spent that e-mails. @default 80 */
  readonly actualPercent?: number;
}

/**
 * An AWS Budgets cost budget for the environment's account: e-mails when the month's actual spend
 * passes `actualPercent` of the limit, and when the forecast passes the limit. Budgets e-mails
 * directly: publishing to the KMS-encrypted warning topic would need its own key and topic grants.
 */
export class Budget extends Construct {
  constructor(scope: Construct, id: string, props: BudgetProps) {
    super(scope, id);
    if (!(props.limitUsd > 0)) throw new Error(`monthly budget must be a positive amount, got ${props.limitUsd}`);
    if (props.emails.length === 0) throw new Error("a budget needs at least one e-mail subscriber");
    const subscriberEmailAddresses = [...props.emails];
    new BudgetsBudget(this, "monthly", {
      name: `${props.namePrefix}-monthly`,
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: props.limitUsd.toFixed(2),
      limitUnit: "USD",
      notification: [
        {
          comparisonOperator: "GREATER_THAN",
          notificationType: "ACTUAL",
          threshold: props.actualPercent ?? 80,
          thresholdType: "PERCENTAGE",
          subscriberEmailAddresses,
        },
        {
          comparisonOperator: "GREATER_THAN",
          notificationType: "FORECASTED",
          threshold: 100,
          thresholdType: "PERCENTAGE",
          subscriberEmailAddresses,
        },
      ],
    });
  }
}
