/**
 * The anchors of docs/design.md (phx.gen.auth, Rails 8's authentication generator, Devise, shadcn's
 * login block) rendered from test/fixtures/design-anchors/ in Chromium, screenshotted, counted with
 * axe, and set side by side with pow's own screenshots in one image per comparison:
 * test-artifacts/screenshots/anchor-<name>-<width>.png and design-<name>.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { SCREENSHOT_DIR, runAxe, type AxeViolation } from './browser.js';
import { REPO_ROOT } from './fixtures.js';

export const ANCHORS_DIR = join(REPO_ROOT, 'test/fixtures/design-anchors');

export interface AnchorShot {
  name: string;
  width: number;
  /** The screenshot (absolute path). */
  file: string;
  /** axe's findings on the anchor as rendered (not asserted: they are someone else's pages). */
  violations: AxeViolation[];
  /** True when the page scrolls sideways at this width. */
  overflow: boolean;
}

/**
 * Opens `file` (a page of the anchors folder, or a text mail shown as a plain-text client shows
 * it) at `width`, screenshots the first 800 px and runs axe.
 */
export async function shootAnchor(browser: Browser, file: string, width: number): Promise<AnchorShot> {
  const name = file.replace(/\.(html|txt)$/, '');
  const context = await browser.newContext({ viewport: { width, height: 800 }, locale: 'en-US' });
  try {
    const page = await context.newPage();
    if (file.endsWith('.txt')) {
      const text = readFileSync(join(ANCHORS_DIR, file), 'utf8').replace(/&/g, '&amp;').replace(/</g, '&lt;');
      await page.setContent(
        `<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>${name}</title></head>` +
          `<body><main><pre style="white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.5 monospace;margin:16px">${text}</pre></main></body></html>`,
      );
    } else {
      await page.goto(`file://${join(ANCHORS_DIR, file)}`, { waitUntil: 'load' });
    }
    const out = join(SCREENSHOT_DIR, `anchor-${name}-${width}.png`);
    await page.screenshot({ path: out, animations: 'disabled', caret: 'hide' });
    const { violations, overflow } = await runAxe(page);
    return { name, width, file: out, violations, overflow };
  } finally {
    await context.close();
  }
}

export interface Panel {
  title: string;
  /** Absolute path of a PNG. */
  image: string;
  /** A line under the title (e.g. the axe count). */
  note?: string;
}

/** One image with the panels in a row (wrapping), each scaled to `panelWidth`: design-<name>.png. */
export async function sideBySide(
  browser: Browser,
  name: string,
  panels: Panel[],
  panelWidth: number,
): Promise<string> {
  const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const figures = panels
    .map((panel) => {
      const data = readFileSync(panel.image).toString('base64');
      return (
        `<figure><figcaption><strong>${escape(panel.title)}</strong>` +
        (panel.note ? `<br><span>${escape(panel.note)}</span>` : '') +
        `</figcaption><img alt="" src="data:image/png;base64,${data}"></figure>`
      );
    })
    .join('\n');
  const columns = Math.min(panels.length, panelWidth <= 400 ? 5 : 2);
  const pageWidth = columns * (panelWidth + 32) + 32;
  const context = await browser.newContext({ viewport: { width: pageWidth, height: 600 } });
  try {
    const page = await context.newPage();
    await page.setContent(
      `<!DOCTYPE html><html lang="en"><head><style>
        body { margin: 0; padding: 16px; background: #e5e7eb; font: 14px/1.4 system-ui, sans-serif; color: #111827; }
        main { display: grid; grid-template-columns: repeat(${columns}, ${panelWidth}px); gap: 32px; align-items: start; }
        figure { margin: 0; }
        figcaption { margin-bottom: 8px; min-height: 2.8em; }
        img { display: block; width: ${panelWidth}px; border: 1px solid #9ca3af; background: #fff; }
      </style></head><body><main>${figures}</main></body></html>`,
      { waitUntil: 'load' },
    );
    const out = join(SCREENSHOT_DIR, `design-${name}.png`);
    await page.screenshot({ path: out, fullPage: true });
    return out;
  } finally {
    await context.close();
  }
}

/** "axe: 3 violations (2 critical: label, ...)" for a caption. */
export function axeNote(violations: AxeViolation[]): string {
  if (violations.length === 0) return 'axe: 0 violations';
  const ids = violations.map((v) => `${v.id} (${v.impact ?? '?'})`).join(', ');
  return `axe: ${violations.length} violation${violations.length === 1 ? '' : 's'}: ${ids}`;
}
