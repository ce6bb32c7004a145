import { DataAwsSecretsmanagerRandomPassword } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import { Construct } from "constructs";
import type { ResourceNames } from "../../../lib/naming.ts";

export interface SecretsProps {
  readonly names: ResourceNames;
  /** CMK of every secret (CKV_AWS_149). */
  readonly kmsKeyArn: string;
}

/**
 * Secrets Manager secrets. Values of `zoho-oauth` and `api-keys` are put by an operator
 * (infra/README.md gives their JSON shape); Terraform never holds them. The Redis auth token is
 * generated once by Secrets Manager and then left alone by Terraform (ignore_changes), so a plan
 * never rotates it behind the cache's back.
 */
export class Secrets extends Construct {
  public readonly zohoOAuthArn: string;
  public readonly apiKeysArn: string;
  public readonly redisAuthArn: string;
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
    const redis = secret("redis-auth", names.redisAuthSecret, "ElastiCache AUTH token");
    const generated = new DataAwsSecretsmanagerRandomPassword(this, "redis-auth-random", {
      passwordLength: 64,
      excludePunctuation: true, // ElastiCache AUTH allows only printable ASCII without @, ", /
    });
    const version = new SecretsmanagerSecretVersion(this, "redis-auth-value", {
      secretId: redis.id,
      secretString: generated.randomPassword,
      lifecycle: { ignoreChanges: ["secret_string"] },
    });
    this.zohoOAuthArn = zoho.arn;
    this.apiKeysArn = apiKeys.arn;
    this.redisAuthArn = redis.arn;
    this.redisAuthToken = version.secretString;
  }
}
