/**
 * Each tier's boot script, read from the synthesized launch templates: log shipping and memory
 * metrics (CloudWatch agent), exactly the tier's secrets in the pre-start script, and the on-call
 * helper (worker tier only, with the operator's on-call role).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import t from "tap";
import { OPS_COMMANDS } from "../../../lib/naming.ts";
import { allEnvironments, type Json, parse, resource, resources, synth } from "../helpers.ts";
import { tierUserData } from "./tiers.ts";

/** Text between `cat > <path> <<'<TAG>'` and the closing tag. */
function heredoc(script: string, path: string): string {
  const m = new RegExp(`cat > ${path.replaceAll(".", "\\.")} <<'(\\w+)'\\n([\\s\\S]*?)\\n\\1\\n`).exec(script);
  if (!m) throw new Error(`no heredoc for ${path}`);
  return m[2]!;
}

const TIERS = {
  compute: {
    tier: "ingest",
    units: ["service"],
    env: ["ADMIN_API_KEYS", "ADMIN_DATABASE_URL", "DATABASE_URL", "REDIS_URL"],
    secrets: ["database-logins_ingest", "database-logins_oncall", "secrets_admin-api-keys", "secrets_redis-auth"],
  },
  workers: {
    tier: "worker",
    units: ["worker"],
    env: [
      "DATABASE_URL",
      "REDIS_URL",
      "TOKEN_ENCRYPTION_KEY",
      "ZOHO_CLIENT_ID",
      "ZOHO_CLIENT_SECRET",
      "ZOHO_ORGANIZATION_ID",
      "ZOHO_REFRESH_TOKEN",
    ],
    secrets: ["database-logins_delivery", "secrets_redis-auth", "secrets_token-encryption-key", "secrets_zoho-oauth"],
  },
} as const;

/** Logical names of the secrets a text references, without their hash suffix. */
const secretRefs = (text: string) =>
  [
    ...new Set([...text.matchAll(/aws_secretsmanager_secret\.([a-z-]+_[a-z-]+)_[0-9A-F]+\.arn/g)].map((m) => m[1]!)),
  ].sort();

for (const config of allEnvironments) {
  const s = synth(config);
  const logGroups = resources(s, "aws_cloudwatch_log_group").map(([, p]) => String(p.name));
  const prefix = `bill-mw-${config.name}`;
  for (const [id, tier] of Object.entries(TIERS)) {
    const name = `${config.name} ${tier.tier}`;
    const raw = tierUserData(s, id);
    // What the instance receives: Terraform turns "$${" into "${".
    const userData = raw.replaceAll("$${", "${");
    const agent = JSON.parse(heredoc(userData, "/opt/aws/amazon-cloudwatch-agent/etc/bill-middleware.json")) as {
      logs: { logs_collected: { files: { collect_list: Json[] } } };
      metrics: {
        namespace: string;
        append_dimensions: Record<string, string>;
        aggregation_dimensions: string[][];
        metrics_collected: { mem: { measurement: string[] }; procstat: Json[] };
      };
    };
    const statements = parse(resource(s, "aws_iam_role_policy", `${id}_app-policy`).policy).Statement as Json[];

    t.test(`${name}: Terraform sees no interpolation in the boot script but its own`, async (t) => {
      t.notMatch(raw, /(?<!\$)\$\{(?!aws_|data\.)|%\{/, "only resource references are interpolated");
      t.match(raw, "$${aws:InstanceId}", "the agent's placeholders are escaped");
    });

    t.test(`${name}: the CloudWatch agent ships each of the tier's units' output to its log group`, async (t) => {
      t.match(userData, /dnf install -y .*amazon-cloudwatch-agent/);
      t.match(userData, /amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \\\n\s+-c file:/);
      const files = agent.logs.logs_collected.files.collect_list;
      t.same(
        files.map((f) => [f.file_path, f.log_group_name]),
        tier.units.map((u) => [`/var/log/bill-middleware/${u}.log`, `/bill-mw/${prefix}/${u}`]),
      );
      for (const f of files) {
        t.ok(logGroups.includes(String(f.log_group_name)), `${f.log_group_name} is created by the stack`);
        t.equal(f.log_stream_name, "{instance_id}");
      }
      for (const u of tier.units) {
        const body = heredoc(userData, `/etc/systemd/system/bill-mw-${u}.service`);
        t.match(body, `StandardOutput=append:/var/log/bill-middleware/${u}.log\n`);
        t.match(body, `StandardError=append:/var/log/bill-middleware/${u}.log\n`);
      }
      t.match(heredoc(userData, "/etc/logrotate.d/bill-middleware"), /copytruncate/, "the agent keeps its place");
    });

    t.test(`${name}: agent metrics: host memory and the tier's processes' RSS, per group`, async (t) => {
      const m = agent.metrics;
      t.equal(m.namespace, "CWAgent");
      t.same(m.append_dimensions, {
        AutoScalingGroupName: `\${aws:AutoScalingGroupName}`,
        InstanceId: `\${aws:InstanceId}`,
      });
      t.same(m.aggregation_dimensions, [["AutoScalingGroupName"]]);
      t.same(m.metrics_collected.mem.measurement, ["mem_used_percent"]);
      const patterns = m.metrics_collected.procstat.map((p) => String(p.pattern));
      t.equal(patterns.length, tier.units.length);
      for (const u of tier.units) {
        const pattern = patterns.find((p) => p.endsWith(`${u}.mjs`))!;
        t.ok(pattern, u);
        t.match(userData, `ExecStart=/usr/bin/node-24 --enable-source-maps ${pattern}\n`, "matches the unit's command");
      }
      for (const p of m.metrics_collected.procstat) t.same(p.measurement, ["memory_rss"]);
    });

    t.test(`${name}: the agent may write only to its log groups and its namespace`, async (t) => {
      const logs = statements.find((st) => st.Sid === "AgentLogs")!;
      t.same(logs.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
      t.same(
        [logs.Resource].flat(),
        tier.units.map((u) => `arn:aws:logs:${config.region}:${config.accountId}:log-group:/bill-mw/${prefix}/${u}:*`),
      );
      t.notOk(
        statements.some((st) => [st.Action].flat().some((a) => String(a).startsWith("logs:") && st !== logs)),
        "no other Logs permission",
      );
      t.match(
        statements.find((st) => st.Sid === "AgentMetrics"),
        {
          Action: "cloudwatch:PutMetricData",
          Condition: { StringEquals: { "cloudwatch:namespace": "CWAgent" } },
        },
      );
    });

    t.test(`${name}: pre-start script: exactly the tier's secret settings, quoted for systemd`, async (t) => {
      const script = heredoc(userData, "/usr/local/bin/bill-mw-env");
      const written = [...script.matchAll(/^\s+(?:if .*then )?env_line (\w+) /gm)].map((m) => m[1]).sort();
      t.same(written, tier.env);
      t.same(secretRefs(script), [...tier.secrets].sort(), "reads exactly the tier's secrets");
      const boot = statements.find((st) => st.Sid === "BootSecrets")!;
      t.same(
        secretRefs(JSON.stringify(boot.Resource)),
        [...tier.secrets].sort(),
        "and its role may read exactly those",
      );
      t.notMatch(script, /master_user_secret/, "never the RDS master secret");
      if (id === "compute")
        t.match(
          script,
          /grep -q ResourceNotFoundException/,
          "an admin secret with no value only turns the admin API off",
        );
      t.match(script, /mv -f "\$tmp" \/run\/bill-middleware\/secrets\.env/, "written atomically");
      t.match(userData, "NODE_EXTRA_CA_CERTS=/etc/bill-middleware/rds-ca.pem\n", "slonik can verify RDS's certificate");

      // env_line's output, read back by a shell (systemd's double-quote escapes are the same four).
      const envLine = /^env_line\(\) \{.*\}$/m.exec(script)![0];
      const values = ["a\"b\\c$d`e f'g", JSON.stringify([{ name: "ops-alice", sha256: "ab\\cd" }])];
      const line = execFileSync("bash", ["-c", `${envLine}\nenv_line V1 "$1"`, "_", values[0]!], { encoding: "utf8" });
      t.equal(line, 'V1="a\\"b\\\\c\\$d\\`e f\'g"\n', 'NAME="..." with \\ " $ ` escaped');
      const back = execFileSync(
        "bash",
        [
          "-c",
          `${envLine}\neval "$(env_line V1 "$1"; env_line V2 "$2")"; printf '%s\\n%s' "$V1" "$V2"`,
          "_",
          ...values,
        ],
        { encoding: "utf8" },
      );
      t.equal(back, values.join("\n"), "every character survives");
    });
  }

  t.test(
    `${config.name}: bill-mw-ops only on the worker tier, with the operator's on-call role and login`,
    async (t) => {
      t.notMatch(tierUserData(s, "compute"), "bill-mw-ops", "no on-call commands on the internet-facing tier");
      const ops = heredoc(tierUserData(s, "workers").replaceAll("$${", "${"), "/usr/local/bin/bill-mw-ops");
      t.match(ops, `case "$1" in ${OPS_COMMANDS.join("|")}) ;;`);
      t.match(
        ops,
        /for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; do\n\s+printenv "\$v" >\/dev\/null \|\| \{/,
        "refuses to run on the instance's role",
      );
      t.same(secretRefs(ops), ["database-logins_oncall"], "reads the on-call login with those credentials");
      t.match(ops, /systemd-run .*--uid=bill-mw/);
      t.match(
        ops,
        "-p EnvironmentFile=/etc/bill-middleware/app.env -p EnvironmentFile=/run/bill-middleware/secrets.env",
      );
      t.match(ops, '-p EnvironmentFile="$envfile"', "the on-call DATABASE_URL and credentials override the unit's");
      t.match(ops, '"/opt/bill-middleware/current/ops/$cmd.mjs" "$@"');
    },
  );

  t.test(
    `${config.name}: the ingest tier trusts one proxy hop; the worker tier gets no service settings`,
    async (t) => {
      const ingestEnv = heredoc(tierUserData(s, "compute").replaceAll("$${", "${"), "/etc/bill-middleware/app.env");
      t.match(ingestEnv, /^TRUST_PROXY_HOPS=1$/m, "per-IP failed-auth limits see the client, not the ALB");
      t.match(ingestEnv, /^XRAY_ENABLED=true$/m);
      t.notMatch(ingestEnv, /^WORKER_/m);
      const workerEnv = heredoc(tierUserData(s, "workers").replaceAll("$${", "${"), "/etc/bill-middleware/app.env");
      t.notMatch(workerEnv, /^(API_KEYS_SECRET_ID|TRUST_PROXY_HOPS|PUBLIC_BASE_URL)=/m);
      t.match(workerEnv, /^WORKER_MAX_RECEIVES=\d+$/m);
    },
  );

  t.test(`${config.name}: each tier's app.env: its login's secret id; the workers' Zoho plan settings`, async (t) => {
    const env = (id: string) => heredoc(tierUserData(s, id).replaceAll("$${", "${"), "/etc/bill-middleware/app.env");
    const ingestEnv = env("compute");
    const workerEnv = env("workers");
    t.match(ingestEnv, /^DATABASE_SECRET_ID=\$\{aws_secretsmanager_secret\.database-logins_ingest[^}]*\.arn\}$/m);
    t.match(workerEnv, /^DATABASE_SECRET_ID=\$\{aws_secretsmanager_secret\.database-logins_delivery[^}]*\.arn\}$/m);
    t.match(
      ingestEnv,
      /^ADMIN_DATABASE_SECRET_ID=\$\{aws_secretsmanager_secret\.database-logins_oncall[^}]*\.arn\}$/m,
      "the admin API's on-call login is re-read on rotation too",
    );
    t.notMatch(workerEnv, /^ADMIN_DATABASE_SECRET_ID=/m);
    t.match(workerEnv, new RegExp(`^ZOHO_DAILY_QUOTA=${config.zohoDailyQuota}$`, "m"), "the plan's quota");
    t.match(workerEnv, new RegExp(`^ZOHO_DATA_CENTER=${config.zohoDataCenter}$`, "m"));
    t.match(ingestEnv, new RegExp(`^ZOHO_DAILY_QUOTA=${config.zohoDailyQuota}$`, "m"), "the console shows calls of it");
    t.notMatch(ingestEnv, /^ZOHO_(?!DAILY_QUOTA=)/m, "no other Zoho setting on the ingest tier");
    if (config.zohoDefaultExpenseAccountId === undefined) t.notMatch(workerEnv, /^ZOHO_DEFAULT_EXPENSE_ACCOUNT_ID=/m);
    const [, alarm] = resources(s, "aws_cloudwatch_metric_alarm").find(([, p]) =>
      String(p.alarm_name).endsWith("-zoho-daily-quota"),
    )!;
    t.equal(alarm.threshold, config.zohoDailyQuota * 0.8, "the alarm reads the same quota the workers enforce");
  });

  t.test(`${config.name}: the memory-high alarm reads what the agent sends`, async (t) => {
    const alarm = resources(s, "aws_cloudwatch_metric_alarm").find(([, a]) => a.alarm_name === `${prefix}-memory-high`);
    t.match(alarm?.[1], { namespace: "CWAgent", metric_name: "mem_used_percent" });
  });
}

// The invocation the wrapper's usage line prints is the one the runbooks and the root README
// document: every `sudo ... bill-mw-ops` there passes the on-call credentials the same way.
t.test("every documented sudo bill-mw-ops line is the wrapper's own invocation", async (t) => {
  const s = synth(allEnvironments[0]!);
  const ops = heredoc(tierUserData(s, "workers").replaceAll("$${", "${"), "/usr/local/bin/bill-mw-ops");
  const invocation = /usage: (sudo --preserve-env=\S+ bill-mw-ops) /.exec(ops)?.[1];
  t.equal(invocation, "sudo --preserve-env=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN bill-mw-ops");
  const root = new URL("../../../", import.meta.url);
  const docs = [
    "README.md",
    ...readdirSync(new URL("runbooks/", root))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `runbooks/${f}`),
  ];
  let lines = 0;
  for (const doc of docs) {
    for (const m of readFileSync(new URL(doc, root), "utf8").matchAll(
      /sudo\s+(?:--preserve-env=(\S+)\s+)?bill-mw-ops/g,
    )) {
      if (m[1] === "...") continue; // the runbooks' shorthand that points at the full sequence
      lines += 1;
      t.equal(m[0], invocation, `${doc}: ${m[0]}`);
    }
  }
  t.ok(lines >= 3, `${lines} documented invocations`);
});
