import type { TestProject } from 'vitest/node';
import { startSeededRegistry } from './registry.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const registry = await startSeededRegistry();
  project.provide('registryUrl', registry.url);
  return () => registry.stop();
}
