/**
 * The figures the docs derive from the fleet's Zoho budget are the ones the code computes: the
 * default ZOHO_RATE_LIMIT_PER_MINUTE (lib/config.ts), its copy in loadtest/shared/profiles.ts, and the
 * fluid model's queue peaks, drain times and delivery budgets. A changed limit that leaves a stale
 * "80 bills/min" or "76 min" in a README, an ADR or a runbook fails here.
 */
import { readFileSync } from "node:fs";
import t, { type Test } from "tap";
import { workerSchema } from "../../lib/config.ts";
import { deliveryBudgetSeconds, forecastBacklog } from "../shared/backlog.ts";
import {
  BURST_BILLS,
  burstProfile,
  FLEET_REQUESTS_PER_MINUTE,
  profileDurationSeconds,
  spikeProfile,
  zohoBillsPerHour,
} from "../shared/profiles.ts";

const limit = workerSchema.shape.ZOHO_RATE_LIMIT_PER_MINUTE.parse(undefined);
const perHour = zohoBillsPerHour();
const minutes = (seconds: number) => Math.round(seconds / 60);
const thousands = (n: number) => n.toLocaleString("en-US");

/** The file's text with line breaks and runs of spaces folded, so a reflowed paragraph still matches. */
function doc(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), "utf8").replace(/\s+/g, " ");
}

/** The first match of `re` in `text`, or a failed assertion naming what was looked for. */
function find(t: Test, text: string, re: RegExp, what: string): RegExpMatchArray {
  const m = text.match(re);
  t.ok(m, `${what} (${re})`);
  return m ?? ([] as unknown as RegExpMatchArray);
}

const num = (s: string | undefined) => Number(String(s).replaceAll(",", ""));

t.test("the fleet budget: lib/config.ts's default, copied into profiles.ts, one call per bill", async (t) => {
  t.equal(FLEET_REQUESTS_PER_MINUTE, limit);
  t.equal(perHour, limit * 60);
});

t.test("loadtest/README.md states the model's figures at the defaults", async (t) => {
  const readme = doc("loadtest/README.md");
  const spike = forecastBacklog(spikeProfile(), perHour);
  const burst = forecastBacklog(burstProfile(), perHour);
  const spikeEnd = profileDurationSeconds(spikeProfile());

  const setting = find(
    t,
    readme,
    /\| `ZOHO_BILLS_PER_HOUR` \| `(\d+)` \| [^|]*?its (\d+) requests\/min share/,
    "settings row",
  );
  t.equal(num(setting[1]), perHour, "ZOHO_BILLS_PER_HOUR default");
  t.equal(num(setting[2]), limit, "its requests/min");

  const at = find(t, readme, /At the defaults \((\d+) bills\/min\)/, "the defaults' rate");
  t.equal(num(at[1]), limit);
  const sixth = find(t, readme, /1,000\/h is about a sixth of ([\d,]+)\/h/, "baseline against capacity");
  t.equal(num(sixth[1]), perHour);
  t.equal(Math.round(perHour / 1000), 6, "a sixth");

  const s = find(
    t,
    readme,
    /spike-10x (\d+) min \(the queue peaks around ([\d,]+) bills (\d+) min in, as the ramp comes down, and is empty (\d+) min in, about a minute before the load ends\)/,
    "spike-10x figures",
  );
  t.equal(num(s[1]), minutes(deliveryBudgetSeconds(spikeProfile())), "spike budget, min");
  t.equal(num(s[2]), Math.round(spike.peakBacklog / 10) * 10, "spike peak, bills (to 10)");
  t.equal(num(s[3]), minutes(spike.peakAtSeconds), "spike peak, min in");
  t.equal(num(s[4]), minutes(spike.drainedAtSeconds), "spike drained, min in");
  t.equal(minutes(spikeEnd - spike.drainedAtSeconds), 1, "about a minute before the load ends");

  const b = find(
    t,
    readme,
    /burst-5000 (\d+) min \(([\d,]+) bills queued behind (\d+) bills\/min, empty about (\d+) min after the batch\)/,
    "burst-5000 figures",
  );
  t.equal(num(b[1]), minutes(deliveryBudgetSeconds(burstProfile())), "burst budget, min");
  t.equal(num(b[2]), Math.round(burst.peakBacklog), "burst queued");
  t.equal(num(b[3]), limit);
  t.equal(num(b[4]), minutes(burst.drainedAtSeconds - profileDurationSeconds(burstProfile())), "burst drain, min");

  const run = find(t, readme, /with probes it lasts until the batch is through Zoho, ~(\d+) min/, "burst run length");
  t.equal(num(run[1]), minutes(burst.drainedAtSeconds));
  t.ok(spike.drainedAtSeconds < spikeEnd, "the spike's queue drains before the load ends, as the run comment says");
  t.match(readme, "~35 min of load (the queue drains before it ends)");

  const env = doc("loadtest/k6/support/env.ts");
  t.match(env, `@default ${perHour} (${limit}/min)`, "env.ts names the default");
  const probesOff = find(t, env, /through Zoho, about (\d+) minutes at the default limit/, "env.ts burst length");
  t.equal(num(probesOff[1]), minutes(burst.drainedAtSeconds));
});

t.test("ADR 0001 states bills an hour for one and two calls a bill", async (t) => {
  const adr = doc("docs/adr/0001-create-bill-with-attachment-in-one-call.md");
  const m = find(
    t,
    adr,
    /fleet budget of (\d+) calls a minute the fleet delivers ([\d,]+) bills an hour instead of ([\d,]+) with create-then-attach/,
    "the consequence line",
  );
  t.equal(num(m[1]), limit);
  t.equal(m[2], thousands(zohoBillsPerHour(limit, 1)));
  t.equal(m[3], thousands(zohoBillsPerHour(limit, 2)));
});

t.test("the runbooks state the default budget and what it delivers", async (t) => {
  const throttling = doc("runbooks/zoho-throttling.md");
  const defaults = [...throttling.matchAll(/`ZOHO_RATE_LIMIT_PER_MINUTE`(?:=|, )(\d+) by default/g)];
  t.equal(defaults.length, 2, "the overview and the triage state the default");
  for (const m of defaults) t.equal(num(m[1]), limit, `zoho-throttling.md: "${m[0]}"`);
  t.equal(num(find(t, throttling, /no minute at Zoho holds more than (\d+) of ours/, "our ceiling")[1]), limit);
  t.equal(num(find(t, throttling, /That leaves (\d+) of the organization's 100/, "room left")[1]), 100 - limit);
  t.equal(num(find(t, throttling, /The default (\d+) leaves other integrations/, "room left")[1]), limit);
  t.equal(num(find(t, throttling, /Rollback: back to (\d+) \(the default\)/, "rollback")[1]), limit);
  const batch = find(
    t,
    throttling,
    /a 5,000-bill month-end batch takes about (\d+) min to reach Zoho at (\d+), (\d+) min at (\d+)/,
    "batch",
  );
  t.equal(num(batch[2]), limit);
  t.equal(num(batch[1]), Math.round(BURST_BILLS / limit));
  t.equal(num(batch[3]), Math.round(BURST_BILLS / num(batch[4])));

  const backlog = doc("runbooks/queue-backlog.md");
  const b = find(
    t,
    backlog,
    /`ZOHO_RATE_LIMIT_PER_MINUTE`=(\d+) by default[^)]*\) caps delivery at about (\d+) bills\/min, so a month-end burst of 5,000 bills legitimately takes about (\d+) minutes/,
    "queue-backlog overview",
  );
  t.equal(num(b[1]), limit);
  t.equal(num(b[2]), limit);
  t.equal(num(b[3]), Math.round(BURST_BILLS / limit));

  const spike = doc("runbooks/traffic-spike.md");
  t.equal(num(find(t, spike, /delivery cannot exceed ~(\d+) bills\/min/, "traffic-spike ceiling")[1]), limit);
});
