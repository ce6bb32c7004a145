import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { Application, DataStores, Foundation, Operations, StackContext } from "./context.ts";

/** The stack's outputs (`terraform output` in the stack directory; listed in infra/README.md). */
export function wireOutputs(
  scope: Construct,
  { names }: StackContext,
  s: Foundation & DataStores & Application & Operations,
): void {
  const output = (id: string, value: string, description: string) =>
    new TerraformOutput(scope, id, { value, description });
  output("api_url", s.edge.url, "Base URL NetSuite posts to");
  output("alb_dns_name", s.edge.albDnsName, "ALB DNS name (the alias record points here)");
  output("vpc_id", s.network.vpcId, "VPC id");
  output("queue_url", s.queue.url, "Bill queue URL");
  output("dlq_url", s.queue.dlqUrl, "Dead-letter queue URL");
  output("artifacts_bucket", names.artifactsBucket, "Release bundles bucket (scripts/release/cli.ts)");
  output("release_parameter", names.releaseParameter, "SSM parameter holding the running release");
  output("autoscaling_group", s.compute.autoScalingGroupName, "Ingest tier ASG (instance refresh on release)");
  if (s.fleet.workers) {
    output(
      "worker_autoscaling_group",
      s.fleet.workers.autoScalingGroupName,
      "Worker tier ASG (instance refresh on release)",
    );
  }
  output("oncall_role_arn", s.fleet.oncallRoleArn, "Role on-call assumes (MFA) for bill-mw-ops");
  output("release_role_arn", s.fleet.releaseRoleArn, "Role the release command runs with (MFA)");
  output("burst_function", s.burst.functionName, "Burst consumer Lambda");
  output("database_endpoint", s.database.endpoint, "PostgreSQL endpoint (TLS required)");
  output("database_master_secret_arn", s.database.masterSecretArn, "RDS-managed master credentials");
  output("redis_endpoint", s.cache.primaryEndpoint, "Redis primary endpoint (TLS + AUTH)");
  output("zoho_oauth_secret_arn", s.secrets.zohoOAuthArn, "Put the Zoho OAuth JSON here");
  output("api_keys_secret_arn", s.secrets.apiKeysArn, "Put the API keys JSON here");
  output("admin_api_keys_secret_arn", s.secrets.adminApiKeysArn, "Put the admin API keys JSON here (optional)");
  output("alarm_topic_critical_arn", s.observability.topicArns.critical, "Critical alarms (page)");
}
