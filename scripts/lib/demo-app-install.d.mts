// Types of scripts/lib/demo-app-install.mjs for the TypeScript tests that import it.
export function generateDemoApp(dir: string): {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
export function withoutPow(dir: string): void;
export function productionInstall(dir: string, options?: { ignoreScripts?: boolean }): void;
