import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { Construct } from "constructs";
import { DB_ROLES } from "../../../lib/db-roles.ts";

export interface DatabaseLoginsProps {
  /** `bill-mw-<env>`: the secrets are `<namePrefix>/db-<process>`. Required; no default. */
  readonly namePrefix: string;
  /** CMK of the secrets (CKV_AWS_149). Required; no default. */
  readonly kmsKeyArn: string;
}

/**
 * One secret per database login role (lib/db-roles.ts): JSON {username, password}. Each process's
 * role may read only its own, so the ingest tier cannot read the worker's login. An operator puts
 * the values and passes the same passwords to `npm run migrate` as DB_ROLE_PASSWORD_* (infra/README.md);
 * Terraform never holds them. Nobody uses the RDS master secret at run time.
 */
export class DatabaseLogins extends Construct {
  public readonly ingestArn: string;
  public readonly deliveryArn: string;
  public readonly oncallArn: string;

  constructor(scope: Construct, id: string, props: DatabaseLoginsProps) {
    super(scope, id);
    const login = (role: "ingest" | "delivery" | "oncall", description: string) =>
      new SecretsmanagerSecret(this, role, {
        name: `${props.namePrefix}/db-${role}`,
        description: `${description}: {"username": "${DB_ROLES[role]}", "password": ...}`,
        kmsKeyId: props.kmsKeyArn,
        recoveryWindowInDays: 30,
      }).arn;
    this.ingestArn = login("ingest", "Database login of the ingest service");
    this.deliveryArn = login("delivery", "Database login of the delivery worker and the burst Lambda");
    this.oncallArn = login("oncall", "Database login of on-call commands and the admin API");
  }
}
