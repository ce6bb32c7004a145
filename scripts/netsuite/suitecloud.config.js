// SuiteCloud CLI project settings (`suitecloud project:deploy` from scripts/netsuite/). The root
// package.json makes .js files ES modules; the CLI require()s this file, which on Node 22.12+ gets
// the value exported under the name "module.exports".
const config = {
  defaultProjectFolder: "src",
  commands: {
    "project:deploy": {
      // Refuse to deploy scripts that are older than their TypeScript sources.
      beforeExecuting: async (args) => {
        const { execFileSync } = await import("node:child_process");
        execFileSync(process.execPath, ["build.ts", "--check"], { cwd: import.meta.dirname, stdio: "inherit" });
        return args;
      },
    },
  },
};

export { config as "module.exports" };
export default config;
