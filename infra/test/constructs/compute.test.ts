/**
 * The fleet's tiers (stacks/fleet.ts): an ingest tier behind the ALB scaling on CPU and a worker
 * tier scaling on backlog, each its own launch template, group, schedules and role; and the
 * single-tier option (one group, both processes, both policies).
 */
import t from "tap";
import { AMI_PARAMETER } from "../../src/constructs/compute.ts";
import { production } from "../../src/environments.ts";
import { allEnvironments, type Json, parse, resource, resources, synth } from "../helpers.ts";
import { tierUserData } from "./tiers.ts";

const TIERS = [
  { id: "compute", tier: "ingest", units: ["service"], absent: ["worker"] },
  { id: "workers", tier: "worker", units: ["worker"], absent: ["service"] },
] as const;

for (const config of allEnvironments) {
  const s = synth(config);

  for (const { id, tier, units, absent } of TIERS) {
    const lt = resource(s, "aws_launch_template", `${id}_template`);
    const userData = tierUserData(s, id);

    t.test(
      `${config.name} ${tier}: launch template: current AL2023 from SSM, t3.medium, IMDSv2 only, no public IP, Tier tag`,
      async (t) => {
        t.equal(lt.name, `bill-mw-${config.name}-${tier}`);
        t.equal(lt.image_id, `resolve:ssm:${AMI_PARAMETER}`);
        t.equal(lt.instance_type, "t3.medium");
        t.match(lt.metadata_options, {
          http_tokens: "required",
          http_put_response_hop_limit: 1,
          http_endpoint: "enabled",
        });
        t.notOk(lt.network_interfaces, "no interface block that could attach a public address");
        t.notOk(lt.key_name, "no SSH key: Session Manager only");
        t.match(lt.tag_specifications, [{ resource_type: "instance", tags: { Tier: tier } }]);
      },
    );

    t.test(
      `${config.name} ${tier}: every volume is encrypted gp3 with the data CMK (checkov has no check)`,
      async (t) => {
        const volumes = lt.block_device_mappings as { ebs: Record<string, unknown> }[];
        t.ok(volumes.length >= 1);
        for (const v of volumes) {
          t.equal(v.ebs.encrypted, "true");
          t.equal(v.ebs.volume_type, "gp3");
          t.match(v.ebs.kms_key_id, /aws_kms_key\.key-data_key/);
        }
      },
    );

    t.test(`${config.name} ${tier}: user data installs the release and runs only this tier's units`, async (t) => {
      t.match(lt.user_data, /base64encode\(local\./);
      t.match(userData, /aws ssm get-parameter --name '\/bill-mw-[a-z]+\/release\/version'/);
      t.match(userData, /aws s3 cp "s3:\/\/bill-mw-[a-z]+-artifacts-\d+\/releases\/\$VERSION\/bill-middleware\.zip"/);
      t.match(userData, /dnf install -y nodejs24/);
      for (const unit of units) {
        t.match(userData, new RegExp(`ExecStart=/usr/bin/node-24 .*${unit}\\.mjs`));
        t.match(userData, `StateDirectory=bill-mw-${unit}\n`, "writable diagnostic dir under ProtectSystem=strict");
        t.match(
          userData,
          `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/var/lib/bill-mw-${unit}"`,
          "runbooks/memory-leak.md",
        );
      }
      t.match(userData, `systemctl enable --now ${units.map((u) => `bill-mw-${u}`).join(" ")}\n`);
      for (const unit of absent) t.notMatch(userData, `${unit}.mjs`, `no ${unit} unit on this tier`);
      t.notMatch(
        userData,
        /^[A-Z_]*(PASSWORD|SECRET|TOKEN|KEY)=(?!\$\()/m,
        "secret settings come only from Secrets Manager at start",
      );
    });

    t.test(`${config.name} ${tier}: both schedules, never below two instances`, async (t) => {
      const night = resource(s, "aws_autoscaling_schedule", `${id}_night-scale-down`);
      const morning = resource(s, "aws_autoscaling_schedule", `${id}_morning-scale-up`);
      t.match(night, { recurrence: config.nightSchedule.recurrence, time_zone: config.scheduleTimeZone });
      t.equal(night.desired_capacity, config.nightSchedule.desiredCapacity);
      t.ok((morning.desired_capacity as number) >= (night.desired_capacity as number));
      t.ok((night.min_size as number) >= 2, "never below two instances, even at night");
      t.match(night.autoscaling_group_name, new RegExp(`aws_autoscaling_group\\.${id}_asg`));
    });
  }

  t.test(
    `${config.name}: ingest tier: 2..10 behind the ALB (ELB health checks), CPU 70%, no backlog policy`,
    async (t) => {
      const asg = resource(s, "aws_autoscaling_group", "compute_asg");
      t.equal(asg.name, `bill-mw-${config.name}-app`, "the name alarms, dashboards and the release command use");
      t.match([asg.min_size, asg.max_size], [2, 10]);
      t.equal((asg.vpc_zone_identifier as string[]).length, 3);
      t.ok((asg.vpc_zone_identifier as string[]).every((id) => id.includes("network_app-")));
      t.equal(asg.health_check_type, "ELB");
      t.match(asg.target_group_arns, [/aws_lb_target_group/]);
      t.match(asg.instance_refresh, { strategy: "Rolling", preferences: { min_healthy_percentage: 90 } });
      t.match(asg.launch_template, { id: /aws_launch_template\.compute_template/, version: /latest_version/ });
      const cpu = resource(s, "aws_autoscaling_policy", "compute_cpu");
      t.match(cpu.target_tracking_configuration, {
        target_value: 70,
        predefined_metric_specification: { predefined_metric_type: "ASGAverageCPUUtilization" },
      });
      t.same(resources(s, "aws_autoscaling_policy").filter(([n]) => n.startsWith("compute_")).length, 1);
    },
  );

  t.test(
    `${config.name}: worker tier: 2..10, EC2 health checks, no target group, SQS backlog per instance 100 via metric math`,
    async (t) => {
      const asg = resource(s, "aws_autoscaling_group", "workers_asg");
      t.equal(asg.name, `bill-mw-${config.name}-worker`);
      t.match([asg.min_size, asg.max_size], [2, 10]);
      t.equal(asg.health_check_type, "EC2");
      t.notOk(asg.target_group_arns, "the worker serves no traffic");
      t.ok((asg.enabled_metrics as string[]).includes("GroupInServiceInstances"), "feeds the backlog policy");
      const backlog = resource(s, "aws_autoscaling_policy", "workers_backlog");
      const tt = backlog.target_tracking_configuration as Record<string, unknown>;
      t.equal(tt.target_value, 100);
      t.match((tt.customized_metric_specification as { metrics: Json[] }).metrics, [
        {
          id: "visible",
          metric_stat: {
            stat: "Sum",
            metric: {
              metric_name: "ApproximateNumberOfMessagesVisible",
              dimensions: [{ name: "QueueName", value: `bill-mw-${config.name}-bills` }],
            },
          },
        },
        {
          id: "in_service",
          metric_stat: { metric: { metric_name: "GroupInServiceInstances", dimensions: [{ value: asg.name }] } },
        },
        { id: "backlog_per_instance", expression: "visible / in_service", return_data: true },
      ]);
      t.equal(resources(s, "aws_autoscaling_policy").length, 2, "one policy per tier");
    },
  );

  for (const id of ["compute", "workers"]) {
    t.test(`${config.name} ${id}: the tier's role is least privilege`, async (t) => {
      const policy = parse(resource(s, "aws_iam_role_policy", `${id}_app-policy`).policy);
      const statements = policy.Statement as { Action: string | string[]; Resource: string | string[] }[];
      const actions = statements.flatMap((st) => st.Action);
      t.notOk(
        actions.some((a) => a === "*" || a.endsWith(":*")),
        "no wildcard actions",
      );
      for (const st of statements.filter((x) => x.Resource === "*")) {
        t.ok(
          [st.Action]
            .flat()
            .every((a) => a === "cloudwatch:PutMetricData" || a === "ec2:DescribeTags" || a.startsWith("xray:")),
          `only unscoped-by-design actions use Resource * (${st.Action})`,
        );
      }
      const metrics = statements.filter((st) => [st.Action].flat().includes("cloudwatch:PutMetricData"));
      t.same(
        metrics.map((st) => (st as { Condition?: unknown }).Condition),
        [
          { StringEquals: { "cloudwatch:namespace": "BillMiddleware" } },
          { StringEquals: { "cloudwatch:namespace": "CWAgent" } },
        ],
        "PutMetricData only into the app's and the agent's namespaces",
      );
      const versionDeletes = statements.filter((st) => [st.Action].flat().includes("s3:DeleteObjectVersion"));
      t.equal(versionDeletes.length, id === "compute" ? 1 : 0, "only the ingest service deletes a version it wrote");
      if (versionDeletes[0]) t.notMatch(JSON.stringify(versionDeletes[0].Resource), /processed/, "never in processed");
    });
  }

  t.test(`${config.name}: burst Lambda runs the consumer handler from the release bundle, bounded`, async (t) => {
    const fn = resource(s, "aws_lambda_function", "burst_consumer_function");
    t.match(fn, {
      handler: "lambda.handler",
      runtime: "nodejs24.x",
      s3_key: `releases/${config.initialReleaseVersion}/bill-middleware.zip`,
      reserved_concurrent_executions: config.burstReservedConcurrency,
      tracing_config: { mode: "Active" },
    });
    t.match(fn.lifecycle, { ignore_changes: ["s3_key", "s3_object_version"] });
    const esm = resource(s, "aws_lambda_event_source_mapping", "burst_queue");
    t.same(esm.function_response_types, ["ReportBatchItemFailures"]);
    t.match(esm.scaling_config, { maximum_concurrency: config.burstMaxConcurrency });
    t.match(esm.event_source_arn, /^\$\{aws_sqs_queue\.queue_[0-9A-F]+\.arn\}$/, "the bill queue, not the DLQ");
    const env = (fn.environment as { variables: Record<string, string> }).variables;
    t.notOk(
      Object.keys(env).some((k) => /PASSWORD|CLIENT_SECRET|AUTH_TOKEN/.test(k)),
      "secrets named, not copied",
    );
  });
}

t.test("single-tier option: one group runs both units, both policies, one role with both lists", async (t) => {
  const s = synth({ ...production, name: "small", fleet: "single-tier" });
  t.equal(resources(s, "aws_autoscaling_group").length, 1);
  const asg = resource(s, "aws_autoscaling_group", "compute_asg");
  t.equal(asg.health_check_type, "ELB");
  t.same(
    resources(s, "aws_autoscaling_policy")
      .map(([n]) => n.replace(/_[0-9A-F]+$/, ""))
      .sort(),
    ["compute_backlog", "compute_cpu"],
  );
  const userData = tierUserData(s, "compute");
  t.match(userData, "systemctl enable --now bill-mw-service bill-mw-worker\n");
  t.match(userData, "/usr/local/bin/bill-mw-ops", "on-call runs here");
  const sids = (
    parse(resource(s, "aws_iam_role_policy", "compute_app-policy").policy).Statement as { Sid: string }[]
  ).map((x) => x.Sid);
  t.ok(sids.includes("IngestStorePdf") && sids.includes("WorkerDeadLetters"), "both processes' statements, prefixed");
  t.equal(new Set(sids).size, sids.length, "Sids unique");
  const lt = resource(s, "aws_launch_template", "compute_template");
  t.equal(lt.name, "bill-mw-small-app");
});
