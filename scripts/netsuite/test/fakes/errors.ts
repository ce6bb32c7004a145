/** The error NetSuite throws: its name is the SuiteScript error code (SSS_USAGE_LIMIT_EXCEEDED, ...). */
export class SuiteScriptError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
