import type { ChainState, ChainStateStore } from "../../chains/index.ts";
import type { Db } from "../../db/database.ts";
import { isoNow } from "../../kernel/clock.ts";

// Amounts inside the state are bigint; JSON carries them as decimal strings under the `amount` key.
const replacer = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);
const reviver = (key: string, value: unknown) =>
  key === "amount" && typeof value === "string" ? BigInt(value) : value;

/** A chain backend's progress (last block, recent hashes, followed transactions), one row per coin and network. */
export class DbChainStateStore implements ChainStateStore {
  constructor(
    private readonly db: Db,
    private readonly name: string,
  ) {}

  async load(): Promise<ChainState | null> {
    const row = await this.db.kysely
      .selectFrom("chain_state")
      .select("state")
      .where("name", "=", this.name)
      .executeTakeFirst();
    return row ? (JSON.parse(row.state, reviver) as ChainState) : null;
  }

  async save(state: ChainState): Promise<void> {
    const text = JSON.stringify(state, replacer);
    const now = isoNow();
    await this.db.kysely
      .insertInto("chain_state")
      .values({ name: this.name, state: text, updated: now })
      .onConflict((oc) => oc.column("name").doUpdateSet({ state: text, updated: now }))
      .execute();
  }
}
