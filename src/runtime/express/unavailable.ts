/**
 * The answer when the store or the database does not answer: 503 with `Retry-After`, as JSON or
 * as a small self-contained page (it must render without the app's views or layout, which may
 * need the same store). Never a 500, never a stack trace.
 */
import type { Response } from 'express';
import { escapeHtml } from '../mail/templates.js';
import { STORE_RETRY_AFTER_SECONDS } from '../stores/unavailable-error.js';

export function sendUnavailable(
  res: Response,
  options: { json: boolean; lang: string; title: string; message: string },
): void {
  if (res.headersSent) {
    // Nothing sensible can be sent any more; end the response rather than leave it hanging.
    res.destroy?.();
    return;
  }
  res.status(503);
  res.setHeader('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
  res.setHeader('Cache-Control', 'no-store');
  if (options.json) {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: { code: 503, message: options.message } }));
    return;
  }
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(
    `<!doctype html>\n<html lang="${escapeHtml(options.lang)}"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(options.title)}</title></head>` +
      `<body><main><h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.message)}</p></main></body></html>\n`,
  );
}
