import type { ScriptType } from "../coins.ts";

export type { ScriptType };

export const SCRIPT_TYPES: readonly ScriptType[] = ["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"];

/** BIP-43 purpose of each script type's standard derivation (BIP-44, 49, 84, 86). */
export type Bip43Purpose = 44 | 49 | 84 | 86;

const PURPOSE: Record<ScriptType, Bip43Purpose> = { p2pkh: 44, "p2sh-p2wpkh": 49, p2wpkh: 84, p2tr: 86 };

export const purposeOfScriptType = (scriptType: ScriptType): Bip43Purpose => PURPOSE[scriptType];

export function scriptTypeOfPurpose(purpose: number): ScriptType | undefined {
  return SCRIPT_TYPES.find((type) => PURPOSE[type] === purpose);
}

/** Wraps a key expression in the output descriptor of a script type: `wpkh(KEY)`, `sh(wpkh(KEY))`, … */
export function wrapDescriptor(scriptType: ScriptType, keyExpression: string): string {
  switch (scriptType) {
    case "p2pkh":
      return `pkh(${keyExpression})`;
    case "p2sh-p2wpkh":
      return `sh(wpkh(${keyExpression}))`;
    case "p2wpkh":
      return `wpkh(${keyExpression})`;
    case "p2tr":
      return `tr(${keyExpression})`;
  }
}
