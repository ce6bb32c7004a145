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

export interface KeyboardReach {
  /** Visible controls the Tab key never reached. */
  readonly unreached: string[];
  /** Controls reached without a visible focus outline. */
  readonly unmarked: string[];
  readonly stops: number;
}

/** The DOM as the page functions below use it (the test's tsconfig has no DOM library). */
interface El {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly name?: string;
  readonly disabled?: boolean;
  readonly dataset: Record<string, string | undefined>;
  id: string;
  tabIndex: number;
  checkVisibility(): boolean;
  focus(): void;
  prepend(child: El): void;
}
interface Win {
  readonly document: {
    readonly activeElement: El | null;
    readonly body: El;
    querySelectorAll(selector: string): Iterable<El>;
    getElementById(id: string): El | null;
    createElement(tag: string): El;
  };
  getComputedStyle(el: El): { outlineStyle: string; outlineWidth: string; boxShadow: string };
}

/**
 * Tabs through the page from the top and reports every visible link, button, form field and
 * summary that the Tab key skips or that shows no focus outline when reached: the page is usable
 * by keyboard alone.
 */
export async function keyboardReach(page: Page): Promise<KeyboardReach> {
  const total = await page.evaluate(() => {
    const w = globalThis as unknown as Win;
    // Tab order starts from the focused element: start from one placed before everything else.
    let start = w.document.getElementById("kb-start");
    if (!start) {
      start = w.document.createElement("span");
      start.id = "kb-start";
      start.tabIndex = -1;
      w.document.body.prepend(start);
    }
    start.focus();
    const controls =
      'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const all = [...w.document.querySelectorAll(controls)].filter((el) => el.checkVisibility() && !el.disabled);
    all.forEach((el, i) => {
      el.dataset.kb = String(i);
    });
    return all.length;
  });
  const reached = new Set<string>();
  const unmarked: string[] = [];
  let previous: string | undefined;
  // A date field takes one Tab per part (day, month, year): hence the slack in the count.
  for (let i = 0; i < total * 4 + 5; i++) {
    await page.keyboard.press("Tab");
    const at = await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      const el = w.document.activeElement;
      if (!el?.dataset?.kb) return null;
      const cs = w.getComputedStyle(el);
      const marked = (cs.outlineStyle !== "none" && cs.outlineWidth !== "0px") || cs.boxShadow !== "none";
      const name = `${el.tagName.toLowerCase()} "${(el.textContent || el.name || el.id).trim().slice(0, 40)}"`;
      return { kb: el.dataset.kb, marked, name };
    });
    if (at && at.kb === previous) continue; // the next part of the same field
    if (!at || reached.has(at.kb)) break; // past the last control, or wrapped round
    reached.add(at.kb);
    previous = at.kb;
    if (!at.marked) unmarked.push(at.name);
  }
  const unreached = await page.evaluate(
    (seen) =>
      [...(globalThis as unknown as Win).document.querySelectorAll("[data-kb]")]
        .filter((el) => !seen.includes(el.dataset.kb ?? ""))
        .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || el.id).trim().slice(0, 40)}"`),
    [...reached],
  );
  return { unreached, unmarked, stops: reached.size };
}
