/** JSON columns are TEXT on both databases; these keep parsing in one place. */
export const toJson = (value: unknown): string => JSON.stringify(value ?? null);

export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === "") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export const toBool = (value: unknown): boolean => value === true || value === 1 || value === "1";
export const fromBool = (value: boolean): number => (value ? 1 : 0);
