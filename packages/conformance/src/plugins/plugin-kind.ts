import type { PluginHandle } from './invocation.js';
import { PluginLoadError } from './plugin-module.js';
import type { ResolverHandle } from './resolver-invocation.js';

/** A plugin opened as the kind it declares (its hello, or its export's `kind`). */
export type OpenedPlugin<C extends PluginHandle = PluginHandle, R extends ResolverHandle = ResolverHandle> =
  | { readonly kind: 'checker'; readonly handle: C }
  | { readonly kind: 'kconfig-resolver'; readonly handle: R };

/** The handle when the plugin is of the kind wanted; otherwise the plugin is closed and `refusal` thrown as a PluginLoadError. */
export function handleOfKind<C extends PluginHandle, R extends ResolverHandle>(opened: OpenedPlugin<C, R>, wanted: 'checker', refusal: string): C;
export function handleOfKind<C extends PluginHandle, R extends ResolverHandle>(opened: OpenedPlugin<C, R>, wanted: 'kconfig-resolver', refusal: string): R;
export function handleOfKind(opened: OpenedPlugin, wanted: OpenedPlugin['kind'], refusal: string): PluginHandle | ResolverHandle {
  if (opened.kind === wanted) return opened.handle;
  opened.handle.close();
  throw new PluginLoadError(refusal);
}
