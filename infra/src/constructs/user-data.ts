import { releaseArtifactKey } from "../../../lib/naming.ts";
import { opsCommand, secretsScript } from "./user-data-secrets.ts";

/** CloudWatch agent namespace of the fleet's memory metrics (the memory-high alarm reads it). */
export const AGENT_NAMESPACE = "CWAgent";
/** Where systemd appends each unit's stdout and stderr; the CloudWatch agent tails these files. */
export const APP_LOG_DIR = "/var/log/bill-middleware";

/** The processes a tier runs: the service (port 3000, behind the ALB) and/or the worker. */
export type AppProcess = "service" | "worker";

/**
 * Secrets a tier's pre-start script reads (by ARN). Only the database and Redis are read by every
 * tier; the others only where a process of the tier needs them, so the ingest tier's role need not
 * (and cannot) read Zoho credentials, the token key or the worker's database login.
 */
export interface TierSecrets {
  /** JSON {username, password}: this tier's database login (DATABASE_URL). */
  readonly databaseSecretArn: string;
  /** Redis AUTH token (REDIS_URL password). */
  readonly redisAuthSecretArn: string;
  /** Worker: JSON {client_id, client_secret, organization_id, refresh_token?} (ZOHO_*). */
  readonly zohoOAuthSecretArn?: string;
  /** Worker: plain 64-character key (TOKEN_ENCRYPTION_KEY). */
  readonly tokenEncryptionKeySecretArn?: string;
  /** Service: JSON admin API keys (ADMIN_API_KEYS); a secret with no value yet leaves the admin API off. */
  readonly adminApiKeysSecretArn?: string;
  /** Service: JSON {username, password} of bill_mw_oncall, the admin API's login (ADMIN_DATABASE_URL). */
  readonly adminDatabaseSecretArn?: string;
}

/**
 * What an instance needs to know at boot; secrets are named by ARN and fetched on the instance.
 * Every field is required (no defaults).
 */
export interface UserDataProps {
  /** Environment name (staging, production). */
  readonly environment: string;
  /** Region of the AWS CLI calls and of the RDS CA bundle. */
  readonly region: string;
  /** The units this tier runs (one systemd unit each). */
  readonly processes: readonly AppProcess[];
  /** SSM parameter holding the release to install (written by the release command). */
  readonly releaseParameter: string;
  /** Bucket of the release bundles. */
  readonly artifactsBucket: string;
  /** Non-secret settings written to /etc/bill-middleware/app.env (lib/config.ts names). */
  readonly settings: Readonly<Record<string, string>>;
  /** The secrets this tier's processes need. */
  readonly secrets: TierSecrets;
  /** RDS endpoint address (DATABASE_URL host). */
  readonly databaseHost: string;
  /** Database name (DATABASE_URL path). */
  readonly databaseName: string;
  /** Redis primary endpoint (REDIS_URL host). */
  readonly redisHost: string;
  /**
   * The on-call database login (bill_mw_oncall), read by `bill-mw-ops` with the operator's on-call
   * role credentials, never with the instance's. Set on tiers that run the worker (ops run there).
   */
  readonly oncallDatabaseSecretArn?: string;
  /** CloudWatch Logs groups the agent ships each unit's output to. */
  readonly logGroups: { readonly service: string; readonly worker: string };
  /** Seconds systemd waits for a graceful stop (in-flight requests, the current SQS batch). */
  readonly stopTimeoutSeconds: number;
  /** SHA-256 (hex) the RDS CA bundle must have; unset: not pinned (environments.ts rdsCaBundleSha256). */
  readonly rdsCaBundleSha256?: string;
}

/** An agent placeholder such as `${aws:InstanceId}`, filled in by the agent on the instance. */
const agentVar = (name: string) => `\${aws:${name}}`;

/** The CloudWatch agent's configuration: the units' log files, memory of the host and of each process. */
export function agentConfig(p: Pick<UserDataProps, "logGroups" | "processes">): Record<string, unknown> {
  const file = (unit: AppProcess) => ({
    file_path: `${APP_LOG_DIR}/${unit}.log`,
    log_group_name: p.logGroups[unit],
    log_stream_name: "{instance_id}",
    timezone: "UTC",
  });
  const process = (entry: string) => ({
    pattern: `/opt/bill-middleware/current/${entry}`,
    measurement: ["memory_rss"],
    metrics_collection_interval: 60,
  });
  return {
    agent: {
      metrics_collection_interval: 60,
      logfile: "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log",
    },
    logs: {
      logs_collected: { files: { collect_list: p.processes.map(file) } },
      force_flush_interval: 5,
    },
    metrics: {
      namespace: AGENT_NAMESPACE,
      // InstanceId comes from instance metadata; AutoScalingGroupName from the instance's tags (ec2:DescribeTags).
      append_dimensions: { AutoScalingGroupName: agentVar("AutoScalingGroupName"), InstanceId: agentVar("InstanceId") },
      // Also one series per fleet: the memory-high alarm reads its Maximum.
      aggregation_dimensions: [["AutoScalingGroupName"]],
      metrics_collected: {
        mem: { measurement: ["mem_used_percent"], metrics_collection_interval: 60 },
        // disk_used_percent of the root volume: the disk-full alarm reads the fleet's Maximum.
        disk: { measurement: ["used_percent"], resources: ["/"], metrics_collection_interval: 60 },
        procstat: p.processes.map((unit) => process(`${unit}.mjs`)),
      },
    },
  };
}

/**
 * Boot script (cloud-init runs it once as root): installs Node 24 from the AL2023 repositories,
 * reads the release version from SSM, installs that bundle from the artifact bucket, and runs the
 * tier's processes (the service, the worker, or both) as systemd units under an unprivileged user. Secrets never appear in
 * user data: `bill-mw-env` fetches them at each (re)start into a root-only file under /run.
 * systemd appends each unit's output to a file under /var/log/bill-middleware, which the
 * CloudWatch agent ships to the unit's log group (and logrotate trims); the agent also publishes
 * memory metrics. `bill-mw-ops` runs the on-call commands with the units' settings.
 */
export function renderUserData(p: UserDataProps): string {
  return [
    `#!/bin/bash
set -euo pipefail
export AWS_REGION=${p.region}`,
    `dnf install -y nodejs24 jq unzip amazon-cloudwatch-agent logrotate
id bill-mw >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin bill-mw`,
    logShipping(p),
    releaseInstall(p),
    appEnvironment(p),
    secretsScript(p),
    ...(p.oncallDatabaseSecretArn ? [opsCommand(p, p.oncallDatabaseSecretArn)] : []),
    `${p.processes.map((unit) => systemdUnit(p, unit)).join("\n")}
systemctl daemon-reload
systemctl enable --now ${p.processes.map((unit) => `bill-mw-${unit}`).join(" ")}
`,
  ].join("\n\n");
}

/** systemd appends each unit's output to a file; the CloudWatch agent ships it, logrotate trims it. */
function logShipping(p: UserDataProps): string {
  // Terraform reads "\${" in the user-data local as interpolation: "$\${" keeps it literal.
  const agentJson = JSON.stringify(agentConfig(p), null, 2).replaceAll("${", () => "$${");
  return `# Logs: systemd appends each unit's output here; the agent ships it, logrotate trims it.
install -d -m 0750 ${APP_LOG_DIR}
cat > /etc/logrotate.d/bill-middleware <<'ROTATE'
${APP_LOG_DIR}/*.log {
  daily
  maxsize 200M
  rotate 3
  compress
  missingok
  notifempty
  copytruncate
}
ROTATE
cat > /opt/aws/amazon-cloudwatch-agent/etc/bill-middleware.json <<'AGENT'
${agentJson}
AGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \\
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/bill-middleware.json`;
}

/** The release the release command recorded in SSM, from the artifact bucket, under /opt/bill-middleware. */
function releaseInstall(p: UserDataProps): string {
  const key = releaseArtifactKey("$VERSION");
  return `# Release: the version the release command recorded in SSM; rolling back is releasing an older one.
# The value is <version>@sha256:<hex> (lib/naming.ts releaseParameterValue): a bundle with another hash is refused.
RELEASE="$(aws ssm get-parameter --name '${p.releaseParameter}' --query Parameter.Value --output text)"
VERSION="$(printf '%s' "$RELEASE" | sed 's/@sha256:.*//')"
BUNDLE_SHA256="$(printf '%s' "$RELEASE" | sed -n 's/.*@sha256://p')"
mkdir -p "/opt/bill-middleware/releases/$VERSION"
aws s3 cp "s3://${p.artifactsBucket}/${key}" /tmp/bill-middleware.zip
echo "$BUNDLE_SHA256  /tmp/bill-middleware.zip" | sha256sum --check --strict - || { echo "release bundle $VERSION: SHA-256 mismatch, not installed" >&2; exit 1; }
unzip -oq /tmp/bill-middleware.zip -d "/opt/bill-middleware/releases/$VERSION"
ln -sfn "/opt/bill-middleware/releases/$VERSION" /opt/bill-middleware/current
rm -f /tmp/bill-middleware.zip`;
}

/** Pins the downloaded RDS CA bundle to a known SHA-256 when the environment records one. */
function rdsCaCheck(sha256: string | undefined): string {
  if (!sha256) return "# RDS CA bundle not pinned (environments.ts rdsCaBundleSha256)";
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`rdsCaBundleSha256 must be 64 hex characters: ${sha256}`);
  return `echo "${sha256}  /etc/bill-middleware/rds-ca.pem" | sha256sum --check --strict - || { echo "RDS CA bundle: SHA-256 mismatch" >&2; exit 1; }`;
}

/** The non-secret settings both units read (/etc/bill-middleware/app.env) and the RDS CA bundle. */
function appEnvironment(p: UserDataProps): string {
  const settings = Object.entries(p.settings)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  return `mkdir -p /etc/bill-middleware
# RDS CA bundle: slonik's sslmode=require verifies the server certificate, and Node does not trust RDS's CA.
curl -fsS --retry 5 -o /etc/bill-middleware/rds-ca.pem "https://truststore.pki.rds.amazonaws.com/${p.region}/${p.region}-bundle.pem"
${rdsCaCheck(p.rdsCaBundleSha256)}
cat > /etc/bill-middleware/app.env <<'ENV'
${settings}
RELEASE_VERSION_PARAMETER=${p.releaseParameter}
NODE_EXTRA_CA_CERTS=/etc/bill-middleware/rds-ca.pem
ENV`;
}

const UNIT_DESCRIPTIONS: Readonly<Record<AppProcess, string>> = {
  service: "Bill middleware ingest service (port 3000)",
  worker: "Bill middleware delivery worker (SQS -> Zoho Books)",
};

/** One systemd unit running `entry` of the current release as the unprivileged bill-mw user. */
function systemdUnit(p: UserDataProps, unit: AppProcess): string {
  const name = `bill-mw-${unit}`;
  const entry = `${unit}.mjs`;
  const log = unit;
  const description = UNIT_DESCRIPTIONS[unit];
  return `cat > /etc/systemd/system/${name}.service <<'UNIT'
[Unit]
Description=${description}
After=network-online.target
Wants=network-online.target

[Service]
User=bill-mw
Group=bill-mw
WorkingDirectory=/opt/bill-middleware/current
ExecStartPre=+/usr/local/bin/bill-mw-env
EnvironmentFile=/etc/bill-middleware/app.env
EnvironmentFile=/run/bill-middleware/secrets.env
# Heap snapshots on demand (runbooks/memory-leak.md): kill -USR2, files land in the state directory.
StateDirectory=${name}
Environment="NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/var/lib/${name}"
ExecStart=/usr/bin/node-24 --enable-source-maps /opt/bill-middleware/current/${entry}
# Shipped by the CloudWatch agent to the unit's log group (runbooks' Logs Insights queries).
StandardOutput=append:${APP_LOG_DIR}/${log}.log
StandardError=append:${APP_LOG_DIR}/${log}.log
Restart=always
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=${p.stopTimeoutSeconds}
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true

[Install]
WantedBy=multi-user.target
UNIT`;
}
