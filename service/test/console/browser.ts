/**
 * Headless Debian chromium for the console tests, driven by puppeteer-core (no browser download:
 * ensure-chromium.sh installs the distribution's package when it is missing), with an axe-core
 * check and a screenshot per page. Screenshots go to service/docs/console/, which the service
 * README shows.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const SCREENSHOTS = fileURLToPath(new URL("../../docs/console/", import.meta.url));
const ENSURE = fileURLToPath(new URL("./ensure-chromium.sh", import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

function chromiumPath(): string {
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return execFileSync("bash", [ENSURE], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

interface Tap {
  teardown(fn: () => unknown): void;
}

export async function launchBrowser(t: Tap): Promise<Browser> {
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespaces for chromium's sandbox.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    defaultViewport: { width: 1280, height: 860 },
  });
  t.teardown(() => browser.close());
  return browser;
}

/** A page that lets axe-core's script in despite the console's CSP (script-src 'self'). */
export async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setBypassCSP(true);
  return page;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** axe-core's serious and critical violations on the current page (WCAG 2.1 A/AA and best practice). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE });
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (opts: unknown) => Promise<unknown> } }).axe;
    const r = (await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    })) as { passes: unknown[]; violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[] };
    const violations = r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
    return { passed: r.passes.length, violations };
  });
  // A run that checked nothing proves nothing (e.g. the script did not load).
  if (found.passed < 10) throw new Error(`axe-core checked only ${found.passed} rules on ${page.url()}`);
  return found.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}
