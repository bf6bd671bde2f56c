import type { SecretBox } from "../../kernel/secret-box.ts";

/** Keys whose values are credentials: bot tokens, passwords, API and user keys, and URLs (webhook URLs embed their token). */
const SECRET_KEY = /token|password|passwd|secret|api_?key|user_key|(^|_)url$/i;

export const isSecretKey = (key: string) => SECRET_KEY.test(key);

type Data = Record<string, unknown>;

/**
 * Seals secret values for storage. Clients get secrets back as `""` and send the form back unchanged, so
 * `""` keeps the stored secret, `null` clears it, and any other value replaces it.
 */
export function sealData(box: SecretBox, incoming: Data, stored: Data): Data {
  const sealed: Data = {};
  for (const [key, value] of Object.entries(incoming)) {
    if (!isSecretKey(key)) {
      sealed[key] = value;
    } else if (value === null) {
      sealed[key] = "";
    } else if (value === "") {
      sealed[key] = typeof stored[key] === "string" ? stored[key] : "";
    } else {
      sealed[key] = box.seal(String(value));
    }
  }
  return sealed;
}

/** Secrets are answered as `""`; `secrets_set` names the ones that hold a value. */
export function presentData(stored: Data): { data: Data; secrets_set: string[] } {
  const data: Data = {};
  const secretsSet: string[] = [];
  for (const [key, value] of Object.entries(stored)) {
    if (!isSecretKey(key)) {
      data[key] = value;
      continue;
    }
    data[key] = "";
    if (typeof value === "string" && value !== "") secretsSet.push(key);
  }
  return { data, secrets_set: secretsSet };
}
