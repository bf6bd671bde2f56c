/** The BIP21 URI with its `amount` replaced: after a partial payment the wallet should ask for the rest only. */
export function withAmount(uri: string, amount: string): string {
  const [head, search = ""] = uri.split("?", 2) as [string, string?];
  const params = new URLSearchParams(search);
  params.set("amount", amount);
  // URLSearchParams would encode ":" in other parameters; BIP21 wallets expect them as they were.
  return `${head}?${params.toString().replace(/%3A/gi, ":")}`;
}
