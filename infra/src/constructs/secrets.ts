import { DataAwsSecretsmanagerRandomPassword } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import { Construct } from "constructs";
import type { ResourceNames } from "../../../lib/naming.ts";

export interface SecretsProps {
  /** Secret names (lib/naming.ts). Required; no default. */
  readonly names: ResourceNames;
  /** CMK of every secret (CKV_AWS_149). Required; no default. */
  readonly kmsKeyArn: string;
}

/**
 * Secrets Manager secrets. Values of `zoho-oauth`, `api-keys` and `admin-api-keys` are put by an
 * operator (infra/README.md gives their JSON shape); Terraform never holds them. The Redis auth
 * token and the token-encryption key are generated once by Secrets Manager and then left alone by
 * Terraform (ignore_changes), so a plan never rotates them behind the cache's or the database's back.
 */
export class Secrets extends Construct {
  public readonly zohoOAuthArn: string;
  public readonly apiKeysArn: string;
  public readonly redisAuthArn: string;
  public readonly adminApiKeysArn: string;
  public readonly tokenEncryptionKeyArn: string;
  /** The token the replication group is created with. */
  public readonly redisAuthToken: string;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const { names, kmsKeyArn } = props;
    const secret = (sid: string, name: string, description: string) =>
      new SecretsmanagerSecret(this, sid, { name, description, kmsKeyId: kmsKeyArn, recoveryWindowInDays: 30 });
    const zoho = secret(
      "zoho-oauth",
      names.zohoOAuthSecret,
      "Zoho Books OAuth client, organization and token-encryption key (JSON)",
    );
    const apiKeys = secret("api-keys", names.apiKeysSecret, "NetSuite API keys: names, SHA-256 hashes, HMAC secrets");
    const adminKeys = secret(
      "admin-api-keys",
      names.adminApiKeysSecret,
      "Admin API keys (/admin/v1): names and SHA-256 hashes (JSON); no value = admin API off",
    );
    const redis = secret("redis-auth", names.redisAuthSecret, "ElastiCache AUTH token");
    const tokenKey = secret(
      "token-encryption-key",
      names.tokenEncryptionKeySecret,
      "pgcrypto key of the stored Zoho tokens; changing it makes the stored refresh token unreadable",
    );
    /** A value generated once; ignore_changes keeps later plans from replacing it. */
    const generated = (gid: string, secretId: string) =>
      new SecretsmanagerSecretVersion(this, `${gid}-value`, {
        secretId,
        secretString: new DataAwsSecretsmanagerRandomPassword(this, `${gid}-random`, {
          passwordLength: 64,
          excludePunctuation: true, // ElastiCache AUTH allows only printable ASCII without @, ", /
        }).randomPassword,
        lifecycle: { ignoreChanges: ["secret_string"] },
      });
    const version = generated("redis-auth", redis.id);
    generated("token-encryption-key", tokenKey.id);
    this.zohoOAuthArn = zoho.arn;
    this.apiKeysArn = apiKeys.arn;
    this.redisAuthArn = redis.arn;
    this.adminApiKeysArn = adminKeys.arn;
    this.tokenEncryptionKeyArn = tokenKey.arn;
    this.redisAuthToken = version.secretString;
  }
}
