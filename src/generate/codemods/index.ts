export { ensureAppUse, type EnsureAppUseOptions } from './ensure-app-use.js';
export { ensureErrorHandler, type EnsureErrorHandlerOptions } from './ensure-error-handler.js';
export { ensureImport, detectModuleSystem, type EnsureImportOptions } from './ensure-import.js';
export { ensureViewEngine, type EnsureViewEngineOptions } from './ensure-view-engine.js';
export { findExpressApp, classifyStatement, type AppAnchor } from './express-app.js';
export { codemodEdit, createCodemodProject, runCodemod, type Codemod, type PatchResult } from './project.js';
export { detectStyle, restyleSnippet, type CodeStyle } from './style.js';
