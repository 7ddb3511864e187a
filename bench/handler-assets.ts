/**
 * The two handlers as files: where each variant's deployed handler code is, and its size as an asset. The cold
 * start and warm measurements load these same files.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ROOT } from './runner';
import { Variant } from './variants';

export const HANDLER_FILES: Readonly<Record<Variant, string>> = {
  /** Our handler bundle, as the construct's asset deploys it (scripts/build-handler.js builds it). */
  ours: path.join(ROOT, 'assets', 'handler', 'index.js'),
  /** aws-cdk-lib's AwsCustomResource handler, exactly the file its asset deploys (not an exported subpath). */
  awscr: path.join(
    path.dirname(require.resolve('aws-cdk-lib', { paths: [ROOT] })),
    'custom-resource-handlers/dist/custom-resources/aws-custom-resource-handler/index.js',
  ),
};

export interface AssetSize {
  readonly bytes: number;
  /** gzip -9, about what the Lambda code zip costs. */
  readonly gzip: number;
}

export function measureAssets(): Record<Variant, AssetSize> {
  const size = (file: string): AssetSize => ({
    bytes: fs.statSync(file).size,
    gzip: zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length,
  });
  return { ours: size(HANDLER_FILES.ours), awscr: size(HANDLER_FILES.awscr) };
}
