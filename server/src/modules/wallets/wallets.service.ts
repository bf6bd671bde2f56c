import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import {
  type CoinDefinition,
  type DerivedAddress,
  deriveAddresses,
  parseWalletKey,
  serializeExtendedKey,
  type WalletKey,
  WalletKeyError,
} from "../../chains/index.ts";
import { fromBool, toJson } from "../../db/json.ts";
import type { WalletsTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { invalidField, notFound } from "../../kernel/errors.ts";
import type { SecretBox } from "../../kernel/secret-box.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import { GAP_LIMIT, presentBalance, presentWallet, type WalletView } from "./wallet.presenter.ts";
import type { NewAddress, WalletRepository, WalletRow } from "./wallet.repository.ts";
import type { CreateWalletInput, WalletPatch } from "./wallet.schemas.ts";

/** Addresses derived ahead of the last handed-out one, so handing one out never waits on elliptic-curve maths. */
export const LOOKAHEAD = 50;

export interface WalletsDeps {
  /** The enabled coin for a wallet currency (`btc`, `ltc`) on this server's configured network. */
  coin(currency: string): CoinDefinition | undefined;
  /** New scripts to watch on the coin's chain. */
  watch(currency: string, scripts: string[]): void;
  /** A wallet whose history should be (re)scanned. */
  requestSync(walletId: string): void;
}

export interface IssuedAddress {
  wallet_id: string;
  index: number;
  address: string;
  script: string;
}

const toNew = (chain: 0 | 1, derived: DerivedAddress[]): NewAddress[] =>
  derived.map((d) => ({ chain, index: d.index, address: d.address, script: d.script }));

export class WalletsService extends OwnedCrudService<"wallets", WalletView, CreateWalletInput, WalletPatch> {
  readonly resourceName = "wallets";
  private readonly keys = new Map<string, WalletKey>();
  private readonly extending = new Set<string>();
  /**
   * Receive addresses known to be derived per wallet (a lower bound: another process may have derived more),
   * so handing one out does not count the pool every time.
   */
  private readonly receivePool = new Map<string, number>();

  constructor(
    private readonly wallets: WalletRepository,
    private readonly box: SecretBox,
    private readonly deps: WalletsDeps,
  ) {
    super(wallets);
  }

  private coinFor(currency: string): CoinDefinition {
    const coin = this.deps.coin(currency);
    if (!coin) throw invalidField(["currency"], `Cryptocurrency ${currency} is not enabled on this server`);
    return coin;
  }

  protected async buildRow(_actor: Actor, input: CreateWalletInput, base: BaseColumns) {
    const coin = this.coinFor(input.currency);
    if (input.lightning_enabled) throw invalidField(["lightning_enabled"], "Lightning is not supported yet");
    if (input.contract) throw invalidField(["contract"], `Tokens are not supported for ${input.currency}`);
    const { passphrase, bip39_purpose, account, seed_format } = input.additional_xpub_data;
    let key: WalletKey;
    try {
      key = parseWalletKey(input.xpub, coin, {
        passphrase,
        bip39Purpose: bip39_purpose,
        account,
        seedFormat: seed_format,
      });
    } catch (error) {
      if (error instanceof WalletKeyError) throw invalidField(["xpub"], `Wallet key invalid: ${error.message}`);
      throw error;
    }
    if (input.hot_wallet && !key.hasPrivate) {
      throw invalidField(["hot_wallet"], "A hot wallet needs a private key or a seed, not a public key");
    }
    this.keys.set(base.id, key);
    // Watch-only by default: a seed or xprv given for a cold wallet is used to derive the public key and dropped.
    const keepPrivate = input.hot_wallet && key.privateMaterial;
    const shownKey =
      key.kind === "xpub" || key.kind === "descriptor"
        ? input.xpub
        : serializeExtendedKey(key.accountKey, coin, key.scriptType, "public");
    const row = {
      ...base,
      name: input.name,
      currency: input.currency,
      xpub: shownKey,
      lightning_enabled: 0,
      label: input.label,
      hint: input.hint,
      contract: "",
      additional_xpub_data: toJson({
        ...(bip39_purpose ? { bip39_purpose } : {}),
        ...(account !== undefined ? { account } : {}),
        ...(seed_format ? { seed_format } : {}),
      }),
      transaction_speed: input.transaction_speed ?? null,
      metadata: toJson(input.metadata),
      key_kind: key.kind,
      script_type: key.scriptType,
      derivation: key.path ?? "",
      descriptor: key.descriptor,
      hot_wallet: fromBool(input.hot_wallet),
      private_material: keepPrivate ? this.box.seal(JSON.stringify(keepPrivate)) : "",
    };
    return row as unknown as WalletsTable;
  }

  protected buildPatch(_actor: Actor, input: WalletPatch): Partial<WalletsTable> {
    const patch: Partial<WalletsTable> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.label !== undefined) patch.label = input.label;
    if (input.hint !== undefined) patch.hint = input.hint;
    if (input.transaction_speed !== undefined) patch.transaction_speed = input.transaction_speed;
    if (input.metadata !== undefined) patch.metadata = toJson(input.metadata);
    return patch;
  }

  protected async present(rows: WalletsTable[]): Promise<WalletView[]> {
    return (rows as unknown as WalletRow[]).map((row) =>
      presentWallet(row, this.deps.coin(row.currency)?.divisibility ?? 8),
    );
  }

  /** Derives the first receive and change addresses (in the creating transaction) and starts watching them. */
  protected override async writeLinks(
    _actor: Actor,
    id: string,
    input: CreateWalletInput | WalletPatch,
  ): Promise<void> {
    if (!("xpub" in input)) return;
    const row = (await this.wallets.findById(id))!;
    const key = this.keyOf(row);
    const coin = this.coinFor(row.currency);
    const addresses = [
      ...toNew(0, deriveAddresses(key, coin, 0, 0, LOOKAHEAD)),
      ...toNew(1, deriveAddresses(key, coin, 1, 0, GAP_LIMIT)),
    ];
    await this.wallets.insertAddresses(id, addresses);
    this.deps.watch(
      row.currency,
      addresses.map((a) => a.script),
    );
  }

  /** Once the wallet is committed, its history is scanned (an imported wallet must not reuse addresses). */
  override async create(actor: Actor, input: CreateWalletInput): Promise<WalletView> {
    const wallet = await super.create(actor, input);
    this.deps.requestSync(wallet.id);
    return wallet;
  }

  /** The wallet's key, parsed once per process from its stored public descriptor. */
  keyOf(row: Pick<WalletRow, "id" | "currency" | "descriptor">): WalletKey {
    const cached = this.keys.get(row.id);
    if (cached) return cached;
    const key = parseWalletKey(row.descriptor, this.coinFor(row.currency));
    this.keys.set(row.id, key);
    return key;
  }

  /**
   * The next receive address never handed out before. The index comes from one atomic counter update;
   * the address is normally already derived (LOOKAHEAD), and the window is extended in the background.
   */
  async nextReceiveAddress(walletId: string): Promise<IssuedAddress> {
    const index = await this.wallets.takeReceiveIndex(walletId);
    if (index === null) throw notFound("Wallet");
    let address = await this.wallets.address(walletId, 0, index);
    if (!address) {
      await this.extend(walletId, 0, index + 1);
      address = (await this.wallets.address(walletId, 0, index))!;
    } else {
      void this.extendInBackground(walletId, index + 1 + LOOKAHEAD);
    }
    return { wallet_id: walletId, index, address: address.address, script: address.script };
  }

  /** The next change (internal chain) address never handed out, derived on demand. */
  async nextChangeAddress(walletId: string): Promise<IssuedAddress> {
    const index = await this.wallets.takeChangeIndex(walletId);
    if (index === null) throw notFound("Wallet");
    await this.extend(walletId, 1, index + 1 + GAP_LIMIT);
    const address = (await this.wallets.address(walletId, 1, index))!;
    return { wallet_id: walletId, index, address: address.address, script: address.script };
  }

  /** The change address the next `nextChangeAddress` would hand out, without taking it (an unsigned PSBT's). */
  async peekChangeAddress(walletId: string): Promise<IssuedAddress> {
    const row = await this.wallets.findById(walletId);
    if (!row) throw notFound("Wallet");
    await this.extend(walletId, 1, row.change_index + 1 + GAP_LIMIT);
    const address = (await this.wallets.address(walletId, 1, row.change_index))!;
    return { wallet_id: walletId, index: row.change_index, address: address.address, script: address.script };
  }

  private async extendInBackground(walletId: string, upTo: number): Promise<void> {
    if ((this.receivePool.get(walletId) ?? 0) >= upTo || this.extending.has(walletId)) return;
    this.extending.add(walletId);
    try {
      const have = await this.wallets.derivedCount(walletId, 0);
      this.receivePool.set(walletId, have);
      if (have < upTo) await this.extend(walletId, 0, upTo + LOOKAHEAD);
    } catch {
      // The next hand-out derives synchronously if this did not finish; nothing is lost.
    } finally {
      this.extending.delete(walletId);
    }
  }

  /** Derives and stores (idempotently) the chain's addresses up to `upTo` (exclusive), and watches them. */
  async extend(walletId: string, chain: 0 | 1, upTo: number): Promise<void> {
    const row = await this.wallets.findById(walletId);
    if (!row) throw notFound("Wallet");
    const have = await this.wallets.derivedCount(walletId, chain);
    if (have >= upTo) return;
    const derived = toNew(
      chain,
      deriveAddresses(this.keyOf(row), this.coinFor(row.currency), chain, have, upTo - have),
    );
    await this.wallets.insertAddresses(walletId, derived);
    if (chain === 0) this.receivePool.set(walletId, upTo);
    this.deps.watch(
      row.currency,
      derived.map((a) => a.script),
    );
  }

  async issueAddress(actor: Actor, walletId: string): Promise<IssuedAddress> {
    await this.getRow(actor, walletId);
    return this.nextReceiveAddress(walletId);
  }

  async listAddresses(actor: Actor, walletId: string, chain: 0 | 1, offset: number, limit: number) {
    const row = (await this.getRow(actor, walletId)) as unknown as WalletRow;
    const handedOut = chain === 0 ? row.receive_index : row.change_index;
    const to = Math.min(handedOut, offset + limit);
    const rows = await this.wallets.addresses(walletId, chain, offset, to);
    return {
      count: handedOut,
      result: rows.map((a) => ({ index: a.idx, chain: a.chain, address: a.address, used: a.used === 1 })),
    };
  }

  async balance(actor: Actor, walletId: string) {
    const row = (await this.getRow(actor, walletId)) as unknown as WalletRow;
    return presentBalance(row, this.deps.coin(row.currency)?.divisibility ?? 8);
  }

  async requestSync(actor: Actor, walletId: string): Promise<WalletView> {
    await this.getRow(actor, walletId);
    this.deps.requestSync(walletId);
    return this.get(actor, walletId);
  }

  /** `POST /wallets/create`: a new BIP-39 seed, shown once and never stored; `key` is what to import. */
  generate(currency: string, hotWallet: boolean) {
    const coin = this.coinFor(currency);
    const seed = generateMnemonic(wordlist, 128);
    const key = parseWalletKey(seed, coin, { seedFormat: "bip39" });
    return {
      seed,
      key: hotWallet ? seed : serializeExtendedKey(key.accountKey, coin, key.scriptType, "public"),
      additional_data: { derivation: key.path, descriptor: key.descriptor },
    };
  }
}
