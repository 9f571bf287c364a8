/**
 * What the extensions end-to-end tests (extensions-sqlite, extensions-postgres) share: booting
 * the generated app against an in-process SMTP server, reading mailed links, and the HTML forms
 * a browser would fill in.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, type RunningApp } from './app-process.js';
import type { E2EProject } from './e2e-project.js';
import { REPO_ROOT } from './fixtures.js';
import { csrfTokenFrom, type HttpClient, type HttpResponse } from './http-client.js';
import {
  firstLink,
  startSmtpServer,
  tokenFromLink,
  type CapturedMail,
  type SmtpTestServer,
} from './smtp-server.js';

/** The `Set-Cookie` line for `name` in a response, or undefined. */
export function setCookie(res: HttpResponse, name: string): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

/** The flash text of a page (info or error). */
export function flash(body: string): string {
  const match = /class="pow-flash[^"]*"[^>]*>(?:<span[^>]*>[^<]*<\/span>)?([^<]*)</.exec(body);
  return match ? match[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim() : '';
}

/** The path + query of a mailed link, checked to be on the configured origin (never the Host header). */
export function mailedPath(link: string, baseUrl: string): string {
  const url = new URL(link);
  assert.equal(url.origin, baseUrl, `links use the configured base URL: ${link}`);
  return url.pathname + url.search;
}

export interface MailedApp {
  app: RunningApp;
  smtp: SmtpTestServer;
  /** Raw tokens seen in mails (none may be in the database). */
  rawTokens: Set<string>;
  /** The mail to `to` with `subject`, among those sent after the `after`-th; records its token. */
  mailTo(to: string, subject: string, after?: number): Promise<CapturedMail>;
  mailCount(): number;
}

export interface MailedAppOptions {
  /** The command that boots the app (default: tsx src/server.ts); see startCommand. */
  command?: [string, ...string[]];
  /** More environment for the app (provider settings, keys). */
  env?: Record<string, string>;
}

/**
 * Boots the project (`src/server.ts`, or `options.command`) with SMTP_URL pointing at a fresh
 * in-process SMTP server and mailed links on `baseUrl`. The caller stops both (`app.stop()`,
 * `smtp.close()`); when the boot fails, the SMTP server is closed here.
 */
export async function startMailedApp(
  project: E2EProject,
  baseUrl: string,
  options: MailedAppOptions = {},
): Promise<MailedApp> {
  const smtp = await startSmtpServer();
  const [command, ...args] = options.command ?? [join(REPO_ROOT, 'node_modules/.bin/tsx'), 'src/server.ts'];
  let app: RunningApp;
  try {
    app = await startApp(
      project.dir,
      command,
      args,
      {
        ...project.env,
        SMTP_URL: smtp.url,
        MAIL_FROM: 'pow@app.example.test',
        POW_BASE_URL: baseUrl,
        ...options.env,
      },
      60_000,
    );
  } catch (error) {
    await smtp.close();
    throw error;
  }
  const rawTokens = new Set<string>();
  return {
    app,
    smtp,
    rawTokens,
    async mailTo(to, subject, after = 0) {
      const mail = await smtp.waitForMail(
        (m) => m.to === to && m.subject === subject && smtp.messages.indexOf(m) >= after,
      );
      try {
        rawTokens.add(tokenFromLink(firstLink(mail)));
      } catch {
        // Notices carry plain links.
      }
      return mail;
    },
    mailCount: () => smtp.messages.length,
  };
}

/** Fills in and posts the registration form. */
export async function register(browser: HttpClient, email: string, password: string): Promise<HttpResponse> {
  const page = await browser.get('/registration/new');
  return browser.post('/registration', {
    _csrf: csrfTokenFrom(page.body),
    email,
    password,
    password_confirmation: password,
  });
}

/** Fills in and posts the sign-in form, ticking "keep me signed in" on request. */
export async function signIn(
  browser: HttpClient,
  email: string,
  password: string,
  rememberMe = false,
): Promise<HttpResponse> {
  const page = await browser.get('/session/new');
  return browser.post('/session', {
    _csrf: csrfTokenFrom(page.body),
    user_id: email,
    password,
    ...(rememberMe ? { remember_me: 'true' } : {}),
  });
}

/** True when the protected dashboard answers 200. */
export async function signedIn(browser: HttpClient): Promise<boolean> {
  return (await browser.get('/dashboard')).status === 200;
}

/** The remember-me cookie's value in a browser, and the token before its signature. */
export const rememberCookie = (browser: HttpClient) => browser.cookies.get('pow_user_remember');
export const rememberToken = (value: string) => value.slice(0, value.lastIndexOf('.'));
