// The page of the "signed-in page" rows: an EJS view (a layout with the user, a sign-out form with
// the CSRF token, flash, a list) as an app page renders it, the same view for every server.
import { fileURLToPath } from 'node:url';

export const VIEWS = fileURLToPath(new URL('./views', import.meta.url));

export const ITEMS = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, title: `Item ${i + 1}` }));

/** Sets up EJS on `app` (view cache on, as NODE_ENV=production has it). */
export function useViews(app) {
  app.set('view engine', 'ejs');
  app.set('views', VIEWS);
  app.set('view cache', true);
}
