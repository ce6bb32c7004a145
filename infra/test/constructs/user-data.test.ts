/**
 * The instances' boot script, read from the synthesized launch template: log shipping and memory
 * metrics (CloudWatch agent), the secrets the pre-start script writes, and the on-call helper.
 */
import { execFileSync } from "node:child_process";
import t from "tap";
import { OPS_COMMANDS } from "../../../lib/naming.ts";
import { allEnvironments, type Json, parse, resource, resources, synth } from "../helpers.ts";

/** Text between `cat > <path> <<'<TAG>'` and the closing tag. */
function heredoc(script: string, path: string): string {
  const m = new RegExp(`cat > ${path.replaceAll(".", "\\.")} <<'(\\w+)'\\n([\\s\\S]*?)\\n\\1\\n`).exec(script);
  if (!m) throw new Error(`no heredoc for ${path}`);
  return m[2]!;
}

for (const config of allEnvironments) {
  const s = synth(config);
  const raw = String(Object.values(s.json.locals as Record<string, unknown>)[0]);
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
  const logGroups = resources(s, "aws_cloudwatch_log_group").map(([, p]) => String(p.name));
  const prefix = `bill-mw-${config.name}`;

  t.test(`${config.name}: Terraform sees no interpolation in the boot script but its own`, async (t) => {
    t.notMatch(raw, /(?<!\$)\$\{(?!aws_|data\.)|%\{/, "only resource references are interpolated");
    t.match(raw, "$${aws:InstanceId}", "the agent's placeholders are escaped");
  });

  t.test(`${config.name}: the CloudWatch agent ships each unit's output to its log group`, async (t) => {
    t.match(userData, /dnf install -y .*amazon-cloudwatch-agent/);
    t.match(userData, /amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \\\n\s+-c file:/);
    const files = agent.logs.logs_collected.files.collect_list;
    t.same(
      files.map((f) => [f.file_path, f.log_group_name]),
      [
        ["/var/log/bill-middleware/service.log", `/bill-mw/${prefix}/service`],
        ["/var/log/bill-middleware/worker.log", `/bill-mw/${prefix}/worker`],
      ],
    );
    for (const f of files) {
      t.ok(logGroups.includes(String(f.log_group_name)), `${f.log_group_name} is created by the stack`);
      t.equal(f.log_stream_name, "{instance_id}");
    }
    for (const [unit, file] of [
      ["bill-mw-service", "service"],
      ["bill-mw-worker", "worker"],
    ]) {
      const body = heredoc(userData, `/etc/systemd/system/${unit}.service`);
      t.match(body, `StandardOutput=append:/var/log/bill-middleware/${file}.log\n`);
      t.match(body, `StandardError=append:/var/log/bill-middleware/${file}.log\n`);
    }
    t.match(heredoc(userData, "/etc/logrotate.d/bill-middleware"), /copytruncate/, "the agent keeps its place");
  });

  t.test(`${config.name}: agent metrics: host memory and each process's RSS, per fleet`, async (t) => {
    const m = agent.metrics;
    t.equal(m.namespace, "CWAgent");
    t.same(m.append_dimensions, {
      AutoScalingGroupName: `\${aws:AutoScalingGroupName}`,
      InstanceId: `\${aws:InstanceId}`,
    });
    t.same(m.aggregation_dimensions, [["AutoScalingGroupName"]]);
    t.same(m.metrics_collected.mem.measurement, ["mem_used_percent"]);
    const patterns = m.metrics_collected.procstat.map((p) => String(p.pattern));
    for (const entry of ["service.mjs", "worker.mjs"]) {
      const pattern = patterns.find((p) => p.endsWith(entry))!;
      t.ok(pattern, entry);
      t.match(userData, `ExecStart=/usr/bin/node-24 --enable-source-maps ${pattern}\n`, "matches the unit's command");
    }
    for (const p of m.metrics_collected.procstat) t.same(p.measurement, ["memory_rss"]);
    const alarm = resources(s, "aws_cloudwatch_metric_alarm").find(([, a]) => a.alarm_name === `${prefix}-memory-high`);
    t.match(alarm?.[1], { namespace: m.namespace, metric_name: "mem_used_percent" }, "the alarm reads what it sends");
  });

  t.test(`${config.name}: the agent may write only to its log groups and its namespace`, async (t) => {
    const statements = parse(resource(s, "aws_iam_role_policy", "compute_app-policy").policy).Statement as Json[];
    const logs = statements.find((st) => st.Sid === "AgentLogs")!;
    t.same(logs.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
    t.same(logs.Resource, [
      `arn:aws:logs:${config.region}:${config.accountId}:log-group:/bill-mw/${prefix}/service:*`,
      `arn:aws:logs:${config.region}:${config.accountId}:log-group:/bill-mw/${prefix}/worker:*`,
    ]);
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

  t.test(`${config.name}: pre-start script: every secret setting, quoted for systemd`, async (t) => {
    const script = heredoc(userData, "/usr/local/bin/bill-mw-env");
    const written = [...script.matchAll(/^\s+(?:if .*then )?env_line (\w+) /gm)].map((m) => m[1]).sort();
    t.same(written, [
      "ADMIN_API_KEYS",
      "DATABASE_URL",
      "REDIS_URL",
      "TOKEN_ENCRYPTION_KEY",
      "ZOHO_CLIENT_ID",
      "ZOHO_CLIENT_SECRET",
      "ZOHO_ORGANIZATION_ID",
      "ZOHO_REFRESH_TOKEN",
    ]);
    t.match(script, /secret '\$\{aws_secretsmanager_secret\.secrets_token-encryption-key_[0-9A-F]+\.arn\}'/);
    t.match(script, /secret '\$\{aws_secretsmanager_secret\.secrets_admin-api-keys_[0-9A-F]+\.arn\}'/);
    t.match(script, /grep -q ResourceNotFoundException/, "an admin secret with no value only turns the admin API off");
    t.match(script, /mv -f "\$tmp" \/run\/bill-middleware\/secrets\.env/, "written atomically");
    t.match(userData, "NODE_EXTRA_CA_CERTS=/etc/bill-middleware/rds-ca.pem\n", "slonik can verify RDS's certificate");

    // env_line's output, read back by a shell (systemd's double-quote escapes are the same four).
    const envLine = /^env_line\(\) \{.*\}$/m.exec(script)![0];
    const values = ["a\"b\\c$d`e f'g", JSON.stringify([{ name: "ops-alice", sha256: "ab\\cd" }])];
    const line = execFileSync("bash", ["-c", `${envLine}\nenv_line V1 "$1"`, "_", values[0]!], { encoding: "utf8" });
    t.equal(line, 'V1="a\\"b\\\\c\\$d\\`e f\'g"\n', 'NAME="..." with \\ " $ ` escaped');
    const back = execFileSync(
      "bash",
      ["-c", `${envLine}\neval "$(env_line V1 "$1"; env_line V2 "$2")"; printf '%s\\n%s' "$V1" "$V2"`, "_", ...values],
      { encoding: "utf8" },
    );
    t.equal(back, values.join("\n"), "every character survives");
  });

  t.test(`${config.name}: bill-mw-ops runs the bundled on-call commands with the units' settings`, async (t) => {
    const ops = heredoc(userData, "/usr/local/bin/bill-mw-ops");
    t.match(ops, `case "$1" in ${OPS_COMMANDS.join("|")}) ;;`);
    t.match(ops, /systemd-run .*--uid=bill-mw/);
    t.match(ops, "-p EnvironmentFile=/etc/bill-middleware/app.env -p EnvironmentFile=/run/bill-middleware/secrets.env");
    t.match(ops, '"/opt/bill-middleware/current/ops/$cmd.mjs" "$@"');
  });
}

for (const config of allEnvironments) {
  t.test(`${config.name}: the service trusts exactly one proxy hop (the ALB) for client addresses`, async (t) => {
    const s = synth(config);
    const userData = String(Object.values(s.json.locals as Record<string, unknown>)[0]);
    const appEnv = heredoc(userData.replaceAll("$${", "${"), "/etc/bill-middleware/app.env");
    t.match(appEnv, /^TRUST_PROXY_HOPS=1$/m, "per-IP failed-auth limits see the client, not the ALB");
    t.match(appEnv, /^XRAY_ENABLED=true$/m);
  });
}
