import type { Inputs } from '../inputs.js';

/** Where `write-generated` and `check-generated` keep the generated files in the project. */
export interface GeneratedFolder {
  /** Relative to the context; parseInputs kept it inside the project. */
  folder: string;
  /** Compare with the committed files instead of writing them. */
  check: boolean;
  /** The log group's title. */
  title: string;
  /** The command that writes them again, for the message that says they are stale. */
  regenerate: string;
}

const DEFAULT_GENERATED_FOLDER = '.ml-container';

/** Null when the run neither writes nor checks generated files in the project. */
export function generatedFolder(
  inputs: Pick<Inputs, 'writeGenerated' | 'checkGenerated' | 'dependencyFile'>,
): GeneratedFolder | null {
  if (!inputs.writeGenerated && !inputs.checkGenerated) return null;
  const folder = inputs.writeGenerated ?? DEFAULT_GENERATED_FOLDER;
  return {
    folder,
    check: inputs.checkGenerated,
    title: inputs.checkGenerated ? 'Check the committed generated files' : 'Write the generated files',
    regenerate: `ml-container plan .${inputs.dependencyFile ? ` --dependency-file ${inputs.dependencyFile}` : ''} --out ${folder}`,
  };
}

/** A variant's folder inside it: one subfolder per variant when there are several. */
export function variantGeneratedFolder(kept: GeneratedFolder, variant: string, several: boolean): string {
  if (!several) return kept.folder;
  return kept.folder === '.' ? variant : `${kept.folder}/${variant}`;
}
