/**
 * Flag and prompt helpers shared by the generator commands (`install`, `gen.templates`), so both
 * agree on when a person is asked and how repeatable flags read.
 */
import type { CommandContext } from './context.js';

/** Commander collector for repeatable flags; "email,username" works too. */
export function collect(value: string, previous: string[] | undefined): string[] {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...parts];
}

/**
 * True when a person can answer prompts: a terminal, no `--yes`/`--json`, and not CI. Otherwise
 * pow never prompts and flags, earlier answers and defaults apply.
 */
export function canPrompt(ctx: CommandContext, flags: { yes?: boolean; json?: boolean }): boolean {
  const ci = ctx.io.env.CI;
  return (
    ctx.io.isTTY &&
    !flags.yes &&
    !flags.json &&
    (ci === undefined || ci === '' || ci === 'false' || ci === '0')
  );
}

/** Asks before writing a reviewed plan (interactive runs only). */
export async function confirmWrite(): Promise<boolean> {
  const prompts = (await import('prompts')).default;
  const result = (await prompts({
    type: 'confirm',
    name: 'value',
    message: 'Write these changes?',
    initial: true,
  })) as { value?: boolean };
  return result.value === true;
}
