// The published packages, in the order they build (core first, the CLI last).
export const PACKAGES = ['core', 'vtd', 'stub', 'conformance', 'cli'] as const;
export type PackageDir = (typeof PACKAGES)[number];

/** A tarball as `pnpm pack` names it, for a package at a version. */
export function tarballName(pkg: PackageDir, version: string): string {
  return `hiodkit-${pkg}-${version}.tgz`;
}
