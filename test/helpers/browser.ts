/**
 * Real-browser helpers: Debian's Chromium driven by playwright-core (never a downloaded browser),
 * an app that `pow install` generated (SQLite fixture, installed, migrated and booted once per
 * test file), and a page check that saves screenshots at 1280 and 390 px and runs axe-core inside
 * the page.
 *
 *   const { site, browser, close } = await startSite();   // in the test file's top-level test
 *   t.after(close);
 *   ...
 *   await checkPage(t, page, 'sign-in');          // screenshots + axe, asserts
 *
 * Screenshots go to test-artifacts/screenshots/<page>-<width>.png (git-ignored).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningApp } from './app-process.js';
import { bootWithTsx, e2eProject, prismaGenerate, protectDashboard, type E2EProject } from './e2e-project.js';
import { REPO_ROOT } from './fixtures.js';
import { preparedProject, type PreparedAppRecipe } from './prepared-app.js';

/** Debian's Chromium (`apt-get install -y chromium`), or POW_CHROMIUM. */
export function chromiumPath(): string {
  const found =
    process.env.POW_CHROMIUM ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) =>
      existsSync(path),
    );
  if (!found || !existsSync(found)) {
    throw new Error(
      'The browser tests need Chromium: `apt-get install -y chromium` (Debian), or set POW_CHROMIUM to a Chromium binary.',
    );
  }
  return found;
}

/** Quiet, offline, sandbox-less (containers) headless Chromium. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One headless Chromium for a test file; close it in `after`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

export interface InstalledApp {
  project: E2EProject;
  app: RunningApp;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Stops the app and removes the temp project. */
  dispose(): Promise<void>;
}

export interface InstalledAppOptions {
  /** Extra `pow install` flags, e.g. ['--extension', 'reset-password']. */
  installArgs?: string[];
  /** Extra environment for the booted app (e.g. SMTP settings). */
  env?: Record<string, string>;
  /** Runs after the install and before the boot (e.g. a second generator). */
  beforeBoot?(project: E2EProject): Promise<void> | void;
  /**
   * A copy of an app set up once for every test file that names it (prepared-app.ts), instead of
   * an install of its own: installArgs is then unused, and beforeBoot may edit files but not the
   * Prisma schema.
   */
  prepared?: PreparedAppRecipe;
}

/** The app as `pow install --yes` makes it: what startSite() gives when asked for nothing else. */
export const BASIC_APP: PreparedAppRecipe = {
  name: 'basic',
  steps: [['install', '--yes'], ['migrate']],
};

/**
 * The app of the mailed-link extensions (reset-password, magic-link) and remember-me, which the
 * extensions and security-headers browser tests share.
 */
export const LINK_EXTENSIONS_APP: PreparedAppRecipe = {
  name: 'link-extensions',
  steps: [
    [
      'install',
      '--yes',
      ...['--extension', 'reset-password', '--extension', 'persistent-session', '--extension', 'magic-link'],
    ],
    ['migrate'],
  ],
};

/**
 * The app the account pages' browser tests share (sessions, security-log, two-factor, oauth): each
 * of their extensions for users and under /admin, set up once. Passkeys is left out: its button
 * comes first on the sign-in page, as the first form's submit button the other files press.
 * The variables every extension needs to boot have stand-in values; a test sets its own.
 */
export const ACCOUNT_EXTENSIONS_APP: PreparedAppRecipe = {
  name: 'account-extensions',
  steps: [
    [
      'install',
      '--yes',
      ...['--extension', 'sessions', '--extension', 'persistent-session', '--extension', 'security-log'],
      ...[
        '--extension',
        'two-factor',
        '--extension',
        'oauth',
        '--provider',
        'oidc:company',
        '--provider',
        'github',
      ],
    ],
    ['migrate'],
    [
      'gen.templates',
      '--namespace',
      'admin',
      ...['--extension', 'sessions', '--extension', 'security-log', '--extension', 'two-factor'],
      ...['--extension', 'oauth', '--provider', 'oidc:company'],
      // Admin namespaces have no sign-up page unless asked for; the tests sign admins up.
      '--registration',
      '--yes',
    ],
    ['migrate'],
  ],
  bootEnv: {
    POW_TWO_FACTOR_KEY: 'browser-tests-two-factor-key-0123456789-abcdef',
    // Read at start-up, used only when someone signs in with the provider (oauth.test.ts sets its own).
    COMPANY_ISSUER: 'http://127.0.0.1:9/unused-issuer',
    COMPANY_CLIENT_ID: 'unused',
    COMPANY_CLIENT_SECRET: 'unused',
    ADMIN_COMPANY_ISSUER: 'http://127.0.0.1:9/unused-issuer',
    ADMIN_COMPANY_CLIENT_ID: 'unused',
    ADMIN_COMPANY_CLIENT_SECRET: 'unused',
    GITHUB_CLIENT_ID: 'unused',
    GITHUB_CLIENT_SECRET: 'unused',
  },
};

/**
 * The SQLite example app with pow installed the way the README says: `pow install --yes`,
 * `pow migrate`, `prisma generate`, `/dashboard` protected as the next steps say, booted with tsx.
 */
export async function installedApp(options: InstalledAppOptions = {}): Promise<InstalledApp> {
  if (options.prepared) return preparedApp(options.prepared, options);
  // The same plain install for every file that asks for nothing more: set up once for them all.
  if (!options.installArgs && !options.beforeBoot) return preparedApp(BASIC_APP, options);
  const project = await e2eProject('express5-ts-esm-sqlite', 'sqlite');
  try {
    const install = await project.pow(['install', '--yes', ...(options.installArgs ?? [])]);
    assert.equal(install.code, 0, install.stdout + install.stderr);
    const migrate = await project.pow(['migrate']);
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    await options.beforeBoot?.(project);
    await prismaGenerate(project);
    protectDashboard(project, 'src/app.ts', 'app');
    Object.assign(project.env, options.env ?? {});
    const app = await bootWithTsx(project, 'src/server.ts');
    return {
      project,
      app,
      url: app.url,
      async dispose() {
        await app.stop();
        await project.dispose();
      },
    };
  } catch (error) {
    await project.dispose();
    throw error;
  }
}

/** A copy of the prepared app, the test's edits applied, booted with tsx. */
async function preparedApp(recipe: PreparedAppRecipe, options: InstalledAppOptions): Promise<InstalledApp> {
  const project = await preparedProject(recipe);
  try {
    await options.beforeBoot?.(project);
    Object.assign(project.env, recipe.bootEnv ?? {}, options.env ?? {});
    const app = await bootWithTsx(project, 'src/server.ts');
    return {
      project,
      app,
      url: app.url,
      async dispose() {
        await app.stop();
        await project.dispose();
      },
    };
  } catch (error) {
    await project.dispose();
    throw error;
  }
}

export interface BrowserSite {
  site: InstalledApp;
  browser: Browser;
  /** Closes the browser, stops the app and removes the temp project. */
  close(): Promise<void>;
}

/**
 * installedApp and launchChromium side by side (one app and one browser per test file). When one
 * fails, the other is closed before the error is thrown, so nothing outlives the test.
 */
export async function startSite(options: InstalledAppOptions = {}): Promise<BrowserSite> {
  const [site, browser] = await Promise.allSettled([installedApp(options), launchChromium()]);
  if (site.status === 'fulfilled' && browser.status === 'fulfilled') {
    return {
      site: site.value,
      browser: browser.value,
      async close() {
        await browser.value.close().catch(() => {});
        await site.value.dispose();
      },
    };
  }
  if (site.status === 'fulfilled') await site.value.dispose();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw site.status === 'rejected' ? site.reason : (browser as PromiseRejectedResult).reason;
}

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts/screenshots');
export const WIDTHS = [1280, 390] as const;

const AXE_SOURCE_PATH = join(REPO_ROOT, 'node_modules/axe-core/axe.min.js');
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

export interface PageCheck {
  /** Screenshot files written (absolute paths). */
  screenshots: string[];
  /** Moderate and minor violations (printed, not failed). */
  lesser: AxeViolation[];
}

/** Every check made by checkPage in this process, for axeSummary. */
const checkedPages: Array<{ name: string; width: number; violations: AxeViolation[] }> = [];

/** "axe: 12 page views checked (6 pages × 2 widths): 0 serious or critical, 0 moderate, 0 minor". */
export function axeSummary(): string {
  const pages = new Set(checkedPages.map((check) => check.name));
  const count = (impacts: string[]) =>
    checkedPages.flatMap((check) => check.violations).filter((v) => impacts.includes(v.impact ?? '')).length;
  return (
    `axe: ${checkedPages.length} page views checked (${pages.size} pages at ${WIDTHS.join(' and ')} px): ` +
    `${count(['serious', 'critical'])} serious or critical, ${count(['moderate'])} moderate, ${count(['minor'])} minor violations`
  );
}

/**
 * At 1280 and 390 px: a full-page screenshot to test-artifacts/screenshots/<name>-<width>.png,
 * axe-core run inside the page (asserts zero serious or critical violations and prints the others
 * as test diagnostics), and no sideways scrolling. Leaves the page at 1280 px.
 */
export async function checkPage(t: TestContext, page: Page, name: string): Promise<PageCheck> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  axeSource ??= readFileSync(AXE_SOURCE_PATH, 'utf8');
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  const screenshots: string[] = [];
  const lesser: AxeViolation[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    const file = join(SCREENSHOT_DIR, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
    screenshots.push(file);
    const result = await runAxe(page);
    checkedPages.push({ name, width, violations: result.violations });
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], `${name} at ${width}px: serious or critical axe violations`);
    for (const v of result.violations) {
      lesser.push(v);
      t.diagnostic(
        `axe ${v.impact ?? 'unknown'}: ${name} at ${width}px: ${v.id} (${v.help}) on ${v.nodes.join(', ')}`,
      );
    }
    assert.equal(result.overflow, false, `${name} at ${width}px scrolls sideways`);
  }
  await page.setViewportSize(original);
  return { screenshots, lesser };
}

/**
 * axe-core run inside the page as it is now, and whether it scrolls sideways; asserts nothing
 * (checkPage asserts; docs/design.md counts the anchors' violations with it).
 */
export async function runAxe(page: Page): Promise<{ violations: AxeViolation[]; overflow: boolean }> {
  axeSource ??= readFileSync(AXE_SOURCE_PATH, 'utf8');
  // Injected through the DevTools protocol: no script tag, so the app's CSP does not apply.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  // Browser-side code as a string: the tests are type-checked without the DOM library.
  return (await page.evaluate(`(async () => {
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return {
      violations: violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')),
      })),
      overflow: document.documentElement.scrollWidth > window.innerWidth,
    };
  })()`)) as { violations: AxeViolation[]; overflow: boolean };
}

/** The accessible name-ish text of the focused element: tag, id/name and its text, for messages. */
export async function focused(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el) return '(none)';
    const id = el.id ? '#' + el.id : el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '';
    return el.tagName.toLowerCase() + id + ' ' + (el.textContent || '').trim().slice(0, 40);
  })()`)) as string;
}

/**
 * Presses Tab until the focused element matches `selector` (at most `max` presses); fails when it
 * never does. Returns how many presses it took.
 */
export async function tabTo(page: Page, selector: string, max = 20): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    const matches = (await page.evaluate(
      `document.activeElement ? document.activeElement.matches(${JSON.stringify(selector)}) : false`,
    )) as boolean;
    if (matches) return presses;
  }
  assert.fail(`Tab never reached ${selector}; focus is on ${await focused(page)}`);
}
