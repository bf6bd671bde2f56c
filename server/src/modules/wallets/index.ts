export { GAP_LIMIT, isPastGapLimit, presentWallet, type WalletView } from "./wallet.presenter.ts";
export { type AddressRow, WalletRepository, type WalletRow } from "./wallet.repository.ts";
export { type HistorySource, WalletSync } from "./wallet-sync.ts";
export { registerWalletRoutes, type WalletSchemaEntry } from "./wallets.routes.ts";
export { type IssuedAddress, LOOKAHEAD, type WalletsDeps, WalletsService } from "./wallets.service.ts";
