/**
 * Flash messages: set with `auth.flash()`; shown in the current render, and carried to the next
 * request only when the response is a redirect (Phoenix semantics; commit.ts carries them). Read,
 * and so consumed, through `pow.flash`. Messages whose translation is empty (Pow's `nil`) are not
 * shown. Signed-in users keep them in the session data, visitors in the anonymous cookie.
 */
import type { TranslateParams, Translator } from '../i18n/index.js';
import type { Hook } from './commit.js';
import type { FlashData, FlashEntry, FlashKind, RequestState, StateMemo } from './request-state.js';
import type { Request } from './types.js';

export interface Flash {
  /** The messages to show in this render; reading consumes the incoming ones. */
  read(state: RequestState, locale: string): { info?: string; error?: string };
  /** `auth.flash()`: a message for this render, or the next request after a redirect. */
  set(req: Request, kind: FlashKind, key: string, params?: TranslateParams): void;
}

function isFlashEntry(value: unknown): value is FlashEntry {
  return !!value && typeof value === 'object' && typeof (value as FlashEntry).k === 'string';
}

function flashDataOf(value: unknown): FlashData | null {
  if (!value || typeof value !== 'object') return null;
  const out: FlashData = {};
  for (const kind of ['info', 'error'] as const) {
    const entry = (value as Record<string, unknown>)[kind];
    if (isFlashEntry(entry)) out[kind] = entry;
  }
  return out.info || out.error ? out : null;
}

export function createFlash(translator: Translator, memo: StateMemo, hook: Hook): Flash {
  const translateFlash = (entry: FlashEntry | undefined, locale: string): string | undefined => {
    if (!entry) return undefined;
    const text = translator.t(locale, entry.k, entry.p);
    return text === '' ? undefined : text;
  };

  return {
    read(state, locale) {
      if (state.incoming === undefined) {
        // A signed-in request's flash is in its session, or (right after a sign-in) in the
        // anonymous cookie (commit.ts).
        const inSession = state.session ? state.session.data.flash : undefined;
        const stored = inSession !== undefined ? inSession : state.anon?.f;
        state.incoming = flashDataOf(stored);
        if (stored !== undefined) {
          if (inSession !== undefined) {
            delete state.session!.data.flash;
            state.sessionDirty = true;
          } else if (state.anon) {
            delete state.anon.f;
            state.anonDirty = true;
          }
          hook(state);
        }
      }
      const out: { info?: string; error?: string } = {};
      for (const kind of ['info', 'error'] as const) {
        const text = translateFlash(state.outgoing?.[kind] ?? state.incoming?.[kind], locale);
        if (text !== undefined) out[kind] = text;
      }
      return out;
    },

    set(req, kind, key, params) {
      const state = memo.requireState(req, 'auth.flash()');
      state.outgoing = { ...state.outgoing, [kind]: params ? { k: key, p: params } : { k: key } };
      hook(state);
    },
  };
}
