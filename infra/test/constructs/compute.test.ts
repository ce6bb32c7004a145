import t from "tap";
import { AMI_PARAMETER } from "../../src/constructs/compute.ts";
import { allEnvironments, parse, resource, resources, synth } from "../helpers.ts";

for (const config of allEnvironments) {
  const s = synth(config);
  const lt = resource(s, "aws_launch_template", "compute_template");
  const asg = resource(s, "aws_autoscaling_group", "compute_asg");
  const userData = String((s.json.locals as Record<string, unknown>)[Object.keys(s.json.locals as object)[0]!]);

  t.test(
    `${config.name}: launch template: current AL2023 from SSM, t3.medium, IMDSv2 only, no public IP`,
    async (t) => {
      t.equal(lt.image_id, `resolve:ssm:${AMI_PARAMETER}`);
      t.equal(lt.instance_type, "t3.medium");
      t.match(lt.metadata_options, {
        http_tokens: "required",
        http_put_response_hop_limit: 1,
        http_endpoint: "enabled",
      });
      t.notOk(lt.network_interfaces, "no interface block that could attach a public address");
      t.notOk(lt.key_name, "no SSH key: Session Manager only");
    },
  );

  t.test(
    `${config.name}: every launch-template volume is encrypted gp3 with the data CMK (checkov has no check)`,
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

  t.test(
    `${config.name}: user data installs the release from SSM + S3 and runs service and worker under systemd`,
    async (t) => {
      t.match(lt.user_data, /base64encode\(local\./);
      t.match(userData, /aws ssm get-parameter --name '\/bill-mw-[a-z]+\/release\/version'/);
      t.match(userData, /aws s3 cp "s3:\/\/bill-mw-[a-z]+-artifacts-\d+\/releases\/\$VERSION\/bill-middleware\.zip"/);
      t.match(userData, /dnf install -y nodejs24/);
      t.match(userData, /ExecStart=\/usr\/bin\/node-24 .*service\.mjs/);
      t.match(userData, /ExecStart=\/usr\/bin\/node-24 .*worker\.mjs/);
      t.match(userData, /systemctl enable --now bill-mw-service bill-mw-worker/);
      for (const unit of ["bill-mw-service", "bill-mw-worker"]) {
        t.match(userData, `StateDirectory=${unit}\n`, "writable diagnostic dir under ProtectSystem=strict");
        t.match(
          userData,
          `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/var/lib/${unit}"`,
          "runbooks/memory-leak.md",
        );
      }
      t.notMatch(
        userData,
        /^[A-Z_]*(PASSWORD|SECRET|TOKEN|KEY)=(?!\$\()/m,
        "secret settings come only from Secrets Manager at start",
      );
    },
  );

  t.test(`${config.name}: ASG of 2..10 over the app subnets, ELB health checks, rolling refresh`, async (t) => {
    t.equal(asg.min_size, 2);
    t.equal(asg.max_size, 10);
    t.equal((asg.vpc_zone_identifier as unknown[]).length, 3);
    t.ok((asg.vpc_zone_identifier as string[]).every((id) => id.includes("network_app-")));
    t.equal(asg.health_check_type, "ELB");
    t.match(asg.instance_refresh, { strategy: "Rolling", preferences: { min_healthy_percentage: 90 } });
    t.match(asg.launch_template, { id: /aws_launch_template/, version: /latest_version/ });
    t.ok((asg.enabled_metrics as string[]).includes("GroupInServiceInstances"), "feeds the backlog policy");
  });

  t.test(`${config.name}: target tracking on CPU at 70%`, async (t) => {
    const cpu = resource(s, "aws_autoscaling_policy", "compute_cpu");
    t.equal(cpu.policy_type, "TargetTrackingScaling");
    t.match(cpu.target_tracking_configuration, {
      target_value: 70,
      predefined_metric_specification: { predefined_metric_type: "ASGAverageCPUUtilization" },
    });
  });

  t.test(`${config.name}: target tracking on SQS backlog per instance at 100 via metric math`, async (t) => {
    const backlog = resource(s, "aws_autoscaling_policy", "compute_backlog");
    const tt = backlog.target_tracking_configuration as Record<string, unknown>;
    t.equal(tt.target_value, 100);
    const metrics = (tt.customized_metric_specification as { metrics: Record<string, unknown>[] }).metrics;
    t.match(metrics, [
      {
        id: "visible",
        return_data: false,
        metric_stat: {
          stat: "Sum",
          metric: {
            namespace: "AWS/SQS",
            metric_name: "ApproximateNumberOfMessagesVisible",
            dimensions: [{ name: "QueueName", value: `bill-mw-${config.name}-bills` }],
          },
        },
      },
      {
        id: "in_service",
        return_data: false,
        metric_stat: {
          metric: {
            namespace: "AWS/AutoScaling",
            metric_name: "GroupInServiceInstances",
            dimensions: [{ name: "AutoScalingGroupName", value: asg.name }],
          },
        },
      },
      { id: "backlog_per_instance", expression: "visible / in_service", return_data: true },
    ]);
    t.equal(resources(s, "aws_autoscaling_policy").length, 2);
  });

  t.test(`${config.name}: night scale-down and morning scale-up schedules`, async (t) => {
    const night = resource(s, "aws_autoscaling_schedule", "night-scale-down");
    const morning = resource(s, "aws_autoscaling_schedule", "morning-scale-up");
    t.match(night, { recurrence: config.nightSchedule.recurrence, time_zone: config.scheduleTimeZone });
    t.equal(night.desired_capacity, config.nightSchedule.desiredCapacity);
    t.ok((morning.desired_capacity as number) >= (night.desired_capacity as number));
    t.ok((night.min_size as number) >= 2, "never below two instances, even at night");
  });

  t.test(`${config.name}: instance role is least privilege`, async (t) => {
    const policy = parse(resource(s, "aws_iam_role_policy", "compute_app-policy").policy);
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
    t.ok(actions.includes("ssm:GetParameter") && actions.includes("secretsmanager:GetSecretValue"));
    const versionDeletes = statements.filter((st) => [st.Action].flat().includes("s3:DeleteObjectVersion"));
    t.equal(versionDeletes.length, 1, "one statement may delete object versions");
    t.match(
      versionDeletes[0]?.Resource,
      /incoming/,
      "and only in the incoming bucket (the lost concurrent duplicate); never processed",
    );
    t.notMatch(JSON.stringify(versionDeletes[0]?.Resource), /processed/);
    const metrics = statements.filter((st) => [st.Action].flat().includes("cloudwatch:PutMetricData"));
    t.same(
      metrics.map((st) => (st as { Condition?: unknown }).Condition),
      [
        { StringEquals: { "cloudwatch:namespace": "BillMiddleware" } },
        { StringEquals: { "cloudwatch:namespace": "CWAgent" } },
      ],
      "PutMetricData only into the app's and the agent's namespaces",
    );
  });

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
