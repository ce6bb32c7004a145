/**
 * The parts of the boot script that touch secrets: `bill-mw-env` (each unit's pre-start writes the
 * tier's secrets into a root-only file under /run) and `bill-mw-ops` (on-call commands with the
 * operator's on-call role, never the instance's). Bash here avoids `${...}`: Terraform would read
 * it as interpolation in the user-data local.
 */
import { OPS_COMMANDS } from "../../../lib/naming.ts";
import type { TierSecrets, UserDataProps } from "./user-data.ts";

/** The `aws secretsmanager get-secret-value` line of each secret, by shell variable. */
function fetches(s: TierSecrets): string[] {
  const lines = [`db="$(secret '${s.databaseSecretArn}')"`, `redis="$(secret '${s.redisAuthSecretArn}')"`];
  if (s.zohoOAuthSecretArn) lines.push(`zoho="$(secret '${s.zohoOAuthSecretArn}')"`);
  if (s.tokenEncryptionKeySecretArn) lines.push(`tokenkey="$(secret '${s.tokenEncryptionKeySecretArn}')"`);
  if (s.adminDatabaseSecretArn) lines.push(`admindb="$(secret '${s.adminDatabaseSecretArn}')"`);
  if (s.adminApiKeysSecretArn) {
    // The admin API is optional: a secret with no value yet turns it off; any other failure stops the start.
    lines.push(`if ! admin="$(secret '${s.adminApiKeysSecretArn}' 2>/run/bill-middleware/admin.err)"; then
  grep -q ResourceNotFoundException /run/bill-middleware/admin.err || { cat /run/bill-middleware/admin.err >&2; exit 1; }
  echo "bill-mw-env: admin-api-keys has no value: admin API off" >&2
  admin=""
fi`);
  }
  return lines;
}

/** The `env_line` calls writing each setting the fetched secrets feed. */
function envLines(s: TierSecrets): string[] {
  const lines = [`  env_line DATABASE_URL "$(db_url "$db")"`, `  env_line REDIS_URL "$(redis_url "$redis")"`];
  if (s.zohoOAuthSecretArn) {
    lines.push(
      `  env_line ZOHO_CLIENT_ID "$(jq -r .client_id <<<"$zoho")"`,
      `  env_line ZOHO_CLIENT_SECRET "$(jq -r .client_secret <<<"$zoho")"`,
      `  env_line ZOHO_ORGANIZATION_ID "$(jq -r .organization_id <<<"$zoho")"`,
      `  env_line ZOHO_REFRESH_TOKEN "$(jq -r '.refresh_token // empty' <<<"$zoho")"`,
    );
  }
  if (s.tokenEncryptionKeySecretArn) lines.push(`  env_line TOKEN_ENCRYPTION_KEY "$tokenkey"`);
  if (s.adminDatabaseSecretArn) lines.push(`  env_line ADMIN_DATABASE_URL "$(db_url "$admindb")"`);
  if (s.adminApiKeysSecretArn) {
    lines.push(`  if [ -n "$admin" ]; then env_line ADMIN_API_KEYS "$(jq -c . <<<"$admin")"; fi`);
  }
  return lines;
}

/** Shell helpers both scripts use: read a secret, quote a systemd env line, build the URLs. */
function helpers(p: UserDataProps): string {
  return `secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text; }
# NAME="value" with systemd's double-quote escapes, so any character in a secret survives.
env_line() { printf '%s="%s"\\n' "$1" "$(printf '%s' "$2" | sed -e 's/[\\\\"\`$]/\\\\&/g')"; }
db_url() { printf 'postgres://%s:%s@${p.databaseHost}:5432/${p.databaseName}?sslmode=require' "$(jq -r '.username|@uri' <<<"$1")" "$(jq -r '.password|@uri' <<<"$1")"; }
redis_url() { printf 'rediss://:%s@${p.redisHost}:6379' "$(jq -rR '@uri' <<<"$1")"; }`;
}

/** `bill-mw-env`: each unit's pre-start fetches the tier's secrets into a root-only file under /run. */
export function secretsScript(p: UserDataProps): string {
  return `# Secrets -> /run/bill-middleware/secrets.env (tmpfs, root-only, readable by systemd only).
cat > /usr/local/bin/bill-mw-env <<'SCRIPT'
#!/bin/bash
set -euo pipefail
export AWS_REGION=${p.region}
${helpers(p)}
umask 077
mkdir -p /run/bill-middleware
${fetches(p.secrets).join("\n")}
tmp="$(mktemp /run/bill-middleware/.secrets.XXXXXX)"
{
${envLines(p.secrets).join("\n")}
} > "$tmp"
mv -f "$tmp" /run/bill-middleware/secrets.env   # atomic: the units' pre-starts may run at once
SCRIPT
chmod 0700 /usr/local/bin/bill-mw-env`;
}

/**
 * `bill-mw-ops <command>`: an on-call command of the running release with the units' settings, the
 * operator's on-call role credentials (passed with sudo --preserve-env, infra/README.md) and the
 * on-call database login read with them. The instance's own role is never used: it cannot read
 * that login, and CloudTrail names the operator.
 */
export function opsCommand(p: UserDataProps, oncallDatabaseSecretArn: string): string {
  return `# On-call commands from the running release with the on-call role (runbooks/README.md).
cat > /usr/local/bin/bill-mw-ops <<'SCRIPT'
#!/bin/bash
set -euo pipefail
usage() { echo "usage: sudo --preserve-env=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN bill-mw-ops ${OPS_COMMANDS.join("|")} [arguments]" >&2; exit 2; }
[ $# -ge 1 ] || usage
case "$1" in ${OPS_COMMANDS.join("|")}) ;; *) usage ;; esac
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; do
  printenv "$v" >/dev/null || { echo "bill-mw-ops: $v not set: assume the on-call role first" >&2; usage; }
done
export AWS_REGION=${p.region}
${helpers(p)}
umask 077
envfile="$(mktemp /run/bill-middleware/.ops.XXXXXX)"
trap 'rm -f "$envfile"' EXIT
{
  env_line DATABASE_URL "$(db_url "$(secret '${oncallDatabaseSecretArn}')")"
  for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; do env_line "$v" "$(printenv "$v")"; done
} > "$envfile"
cmd="$1"; shift
systemd-run --quiet --pipe --wait --collect --uid=bill-mw --gid=bill-mw \\
  --working-directory=/opt/bill-middleware/current \\
  -p EnvironmentFile=/etc/bill-middleware/app.env -p EnvironmentFile=/run/bill-middleware/secrets.env \\
  -p EnvironmentFile="$envfile" \\
  /usr/bin/node-24 --enable-source-maps "/opt/bill-middleware/current/ops/$cmd.mjs" "$@"
SCRIPT
chmod 0755 /usr/local/bin/bill-mw-ops`;
}
