import { releaseArtifactKey } from "../../../lib/naming.ts";

/** What an instance needs to know at boot; secrets are named by ARN and fetched on the instance. */
export interface UserDataProps {
  readonly environment: string;
  readonly region: string;
  readonly releaseParameter: string;
  readonly artifactsBucket: string;
  /** Non-secret settings written to /etc/bill-middleware/app.env (lib/config.ts names). */
  readonly settings: Record<string, string>;
  readonly zohoOAuthSecretArn: string;
  readonly databaseSecretArn: string;
  readonly databaseHost: string;
  readonly databaseName: string;
  readonly redisAuthSecretArn: string;
  readonly redisHost: string;
  /** Seconds systemd waits for a graceful stop (in-flight requests, the current SQS batch). */
  readonly stopTimeoutSeconds: number;
}

/**
 * Boot script (cloud-init runs it once as root): installs Node 24 from the AL2023 repositories,
 * reads the release version from SSM, installs that bundle from the artifact bucket, and runs the
 * service and the worker as two systemd units under an unprivileged user. Secrets never appear in
 * user data: `bill-mw-env` fetches them at each (re)start into a root-only file under /run.
 */
export function renderUserData(p: UserDataProps): string {
  const settings = Object.entries(p.settings)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  const key = releaseArtifactKey("$VERSION");
  const unit = (name: string, entry: string, description: string) => `cat > /etc/systemd/system/${name}.service <<'UNIT'
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
  return `#!/bin/bash
set -euo pipefail
export AWS_REGION=${p.region}

dnf install -y nodejs24 jq unzip
id bill-mw >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin bill-mw

# Release: the version the release command recorded in SSM; rolling back is releasing an older one.
VERSION="$(aws ssm get-parameter --name '${p.releaseParameter}' --query Parameter.Value --output text)"
mkdir -p "/opt/bill-middleware/releases/$VERSION"
aws s3 cp "s3://${p.artifactsBucket}/${key}" /tmp/bill-middleware.zip
unzip -oq /tmp/bill-middleware.zip -d "/opt/bill-middleware/releases/$VERSION"
ln -sfn "/opt/bill-middleware/releases/$VERSION" /opt/bill-middleware/current
rm -f /tmp/bill-middleware.zip

mkdir -p /etc/bill-middleware
cat > /etc/bill-middleware/app.env <<'ENV'
${settings}
RELEASE_VERSION_PARAMETER=${p.releaseParameter}
ENV

# Secrets -> /run/bill-middleware/secrets.env (tmpfs, root-only, readable by systemd only).
cat > /usr/local/bin/bill-mw-env <<'SCRIPT'
#!/bin/bash
set -euo pipefail
export AWS_REGION=${p.region}
secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text; }
zoho="$(secret '${p.zohoOAuthSecretArn}')"
db="$(secret '${p.databaseSecretArn}')"
redis="$(secret '${p.redisAuthSecretArn}')"
umask 077
mkdir -p /run/bill-middleware
{
  echo "ZOHO_CLIENT_ID=$(jq -r .client_id <<<"$zoho")"
  echo "ZOHO_CLIENT_SECRET=$(jq -r .client_secret <<<"$zoho")"
  echo "ZOHO_ORGANIZATION_ID=$(jq -r .organization_id <<<"$zoho")"
  echo "ZOHO_REFRESH_TOKEN=$(jq -r '.refresh_token // empty' <<<"$zoho")"
  echo "TOKEN_ENCRYPTION_KEY=$(jq -r .token_encryption_key <<<"$zoho")"
  echo "DATABASE_URL=postgres://$(jq -r '.username|@uri' <<<"$db"):$(jq -r '.password|@uri' <<<"$db")@${p.databaseHost}:5432/${p.databaseName}?sslmode=require"
  echo "REDIS_URL=rediss://:$(jq -rR '@uri' <<<"$redis")@${p.redisHost}:6379"
} > /run/bill-middleware/secrets.env
SCRIPT
chmod 0700 /usr/local/bin/bill-mw-env

${unit("bill-mw-service", "service.mjs", "Bill middleware ingest service (port 3000)")}
${unit("bill-mw-worker", "worker.mjs", "Bill middleware delivery worker (SQS -> Zoho Books)")}
systemctl daemon-reload
systemctl enable --now bill-mw-service bill-mw-worker
`;
}
