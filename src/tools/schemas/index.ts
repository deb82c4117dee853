export { compilePackageSchemas, type PackageMessage } from './compile-package-schemas.ts';
export { detectPackageVersion, type PackageVersion } from './detect-package-version.ts';
export { extractZip, type ExtractLimits } from './extract-zip.ts';
export { importSchemaPackage, SchemaImportError, type ImportOptions, type ImportResult, type SchemaImportErrorCode } from './import-schema-package.ts';
export { listSchemaPackages, type InstalledPackage } from './list-schema-packages.ts';
export { describePackageServing, type PackageServing } from './package-serving.ts';
export { locatePackage, type LocatedPackage } from './locate-package.ts';
export { readSchemaHeader, type SchemaHeader } from '../../xsd/read-schema-header.ts';
export {
  checkManifest, hashFile, hashPackage, listPackageFiles, MANIFEST_FILE, readManifest, writeManifest,
  type CombinedCompileResult, type CompileFailure, type CompileResults, type ManifestState, type SchemaManifest,
} from './schema-manifest.ts';
