import { Transport, type TransportOptions } from "./http.ts";
import { PayoutsResource, RefundsResource } from "./payouts.ts";
import {
  DiscountsResource,
  FilesResource,
  HealthResource,
  NotificationsResource,
  PoliciesResource,
  ProductsResource,
  StoresResource,
  TemplatesResource,
  TokensResource,
  UsersResource,
} from "./resources.ts";

export type TillClientOptions = TransportOptions;

/**
 * A client of the Merchant API. Works wherever a global `fetch` exists (Node 20+, browsers).
 *
 * ```ts
 * const anonymous = new TillClient({ baseUrl: "https://pay.example.com" });
 * const { access_token } = await anonymous.tokens.login({ email, password, permissions: ["full_control"] });
 * const till = anonymous.withToken(access_token!);
 * const store = await till.stores.create({ name: "Shop" });
 * ```
 */
export class TillClient {
  readonly http: Transport;
  readonly users: UsersResource;
  readonly tokens: TokensResource;
  readonly policies: PoliciesResource;
  readonly stores: StoresResource;
  readonly products: ProductsResource;
  readonly discounts: DiscountsResource;
  readonly notifications: NotificationsResource;
  readonly templates: TemplatesResource;
  readonly files: FilesResource;
  readonly health: HealthResource;
  readonly payouts: PayoutsResource;
  readonly refunds: RefundsResource;

  constructor(private readonly options: TillClientOptions) {
    this.http = new Transport(options);
    this.users = new UsersResource(this.http);
    this.tokens = new TokensResource(this.http);
    this.policies = new PoliciesResource(this.http);
    this.stores = new StoresResource(this.http);
    this.products = new ProductsResource(this.http);
    this.discounts = new DiscountsResource(this.http);
    this.notifications = new NotificationsResource(this.http);
    this.templates = new TemplatesResource(this.http);
    this.files = new FilesResource(this.http);
    this.health = new HealthResource(this.http);
    this.payouts = new PayoutsResource(this.http);
    this.refunds = new RefundsResource(this.http);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  get token(): string | null {
    return this.http.token;
  }

  /** The same client acting with another token (or anonymously with null). */
  withToken(token: string | null): TillClient {
    return new TillClient({ ...this.options, token });
  }
}
