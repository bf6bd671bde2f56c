import { segment, type Transport } from "./http.ts";
import { CrudResource, Resource } from "./resource.ts";
import type {
  CheckoutSettings,
  CreatedToken,
  Discount,
  DiscountCreate,
  DiscountUpdate,
  EmailSettingsInput,
  FileFields,
  GlobalStorePolicy,
  HealthStatus,
  LoginInput,
  Notification,
  NotificationCreate,
  NotificationUpdate,
  Page,
  PasswordChange,
  PluginSettings,
  Policy,
  PolicyUpdate,
  Product,
  ProductCreate,
  ProductFilters,
  ProductUpdate,
  ProviderSchema,
  PublicStore,
  RegisteredUser,
  RegisterInput,
  Store,
  StoreCreate,
  StoreUpdate,
  Template,
  TemplateCreate,
  TemplateNames,
  TemplateUpdate,
  ThemeSettings,
  TillFile,
  Token,
  TokenEdit,
  TokenFilters,
  TokenOptions,
  TotpSetup,
  Upload,
  User,
  UserPreferences,
  UserStats,
  UserUpdate,
} from "./types.ts";

/** Accounts. `register` is open (unless the policy disables it); list/get/update/delete need a superuser. */
export class UsersResource extends Resource<User, UserUpdate> {
  constructor(http: Transport) {
    super(http, "/users");
  }

  /** Creates an account; the first account of a server becomes its superuser. Answers a full_control token too. */
  register(input: RegisterInput): Promise<RegisteredUser> {
    return this.http.post<RegisteredUser>("/users", input);
  }

  me(): Promise<User> {
    return this.http.get<User>("/users/me");
  }

  stats(): Promise<UserStats> {
    return this.http.get<UserStats>("/users/stats");
  }

  updatePreferences(settings: Partial<UserPreferences>): Promise<User> {
    return this.http.post<User>("/users/me/settings", settings);
  }

  /** Sets a new password; by default every other token of the account is revoked. */
  changePassword(input: PasswordChange): Promise<User> {
    return this.http.post<User>("/users/password", input);
  }

  /** Mails a password reset link (answers `true` whether or not the address has an account). */
  resetPassword(email: string): Promise<boolean> {
    return this.http.post<boolean>("/users/reset_password", { email }, { auth: false });
  }

  finalizeReset(input: { token: string; password: string; logout_all?: boolean }): Promise<boolean> {
    return this.http.post<boolean>("/users/reset_password/finalize", input, { auth: false });
  }

  /** Mails a verification code and link. */
  requestVerification(email: string): Promise<boolean> {
    return this.http.post<boolean>("/users/verify", { email }, { auth: false });
  }

  finalizeVerification(token: string, addToken = false): Promise<{ verified: true; token: string | null }> {
    return this.http.post(`/users/verify/finalize${addToken ? "?add_token=true" : ""}`, { token }, { auth: false });
  }

  /** A new TOTP secret for the authenticator app; `enableTotp` with a code from it turns TOTP on. */
  totpSetup(): Promise<TotpSetup> {
    return this.http.get<TotpSetup>("/users/me/2fa/totp");
  }

  /** Turns TOTP on; answers the 10 recovery codes, shown only here. */
  enableTotp(code: string): Promise<string[]> {
    return this.http.post<string[]>("/users/2fa/totp/verify", { code });
  }

  disableTotp(): Promise<boolean> {
    return this.http.post<boolean>("/users/2fa/disable", {});
  }

  deletePasskey(deviceId: string): Promise<boolean> {
    return this.http.delete<boolean>(`/users/2fa/fido2/${encodeURIComponent(deviceId)}`);
  }
}

/** API tokens: log in, mint narrower tokens, list and revoke them. */
export class TokensResource extends Resource<Token, TokenEdit, TokenFilters> {
  constructor(http: Transport) {
    super(http, "/token");
  }

  /** Email + password → a new token (`access_token`). Sends no bearer token, so the credentials decide. */
  login(input: LoginInput): Promise<CreatedToken> {
    return this.http.post<CreatedToken>("/token", input, { auth: false });
  }

  /** The second login step with a TOTP or recovery code, after `login` answered `tfa_required`. */
  loginTotp(tfaCode: string, code: string): Promise<CreatedToken> {
    return this.http.post<CreatedToken>("/token/2fa/totp", { token: tfaCode, code }, { auth: false });
  }

  /** A new token for the current account, with a subset of the current token's permissions. */
  create(options: TokenOptions = {}): Promise<CreatedToken> {
    return this.http.post<CreatedToken>("/token", options);
  }

  /** The token the client is using. */
  current(): Promise<Token> {
    return this.http.get<Token>("/token/current");
  }

  /** Changes a token's redirect URL (the only editable field). */
  edit(id: string, edit: TokenEdit): Promise<Token> {
    return this.update(id, edit);
  }

  /** Revokes a token: it stops working at once. */
  revoke(id: string): Promise<Token> {
    return this.delete(id);
  }
}

/** The server policy (superuser to change) and the point-of-sale store choice. */
export class PoliciesResource {
  constructor(private readonly http: Transport) {}

  /** Anyone may read it; secrets (captcha secret, SMTP settings) only reach superusers. */
  get(): Promise<Policy> {
    return this.http.get<Policy>("/manage/policies");
  }

  update(patch: PolicyUpdate): Promise<Policy> {
    return this.http.post<Policy>("/manage/policies", patch);
  }

  storePolicy(): Promise<GlobalStorePolicy> {
    return this.http.get<GlobalStorePolicy>("/manage/stores");
  }

  updateStorePolicy(patch: Partial<GlobalStorePolicy>): Promise<GlobalStorePolicy> {
    return this.http.post<GlobalStorePolicy>("/manage/stores", patch);
  }
}

export class StoresResource extends CrudResource<Store, StoreCreate, StoreUpdate> {
  constructor(http: Transport) {
    super(http, "/stores");
  }

  /** A store as a customer sees it (no token sent): no wallets, email settings or notifications. */
  getPublic(id: string): Promise<PublicStore> {
    return this.http.get<PublicStore>(this.itemPath(id), { auth: false });
  }

  /** Partial merge into the checkout settings; answers the whole store. */
  updateCheckoutSettings(id: string, patch: Partial<CheckoutSettings>): Promise<Store> {
    return this.http.patch<Store>(this.itemPath(id, "/checkout_settings"), patch);
  }

  /** Partial merge into the store's SMTP settings; the password is never answered back. */
  updateEmailSettings(id: string, patch: EmailSettingsInput): Promise<Store> {
    return this.http.patch<Store>(this.itemPath(id, "/email_settings"), patch);
  }

  updateThemeSettings(id: string, patch: Partial<ThemeSettings>): Promise<Store> {
    return this.http.patch<Store>(this.itemPath(id, "/theme_settings"), patch);
  }

  updatePluginSettings(id: string, patch: PluginSettings): Promise<Store> {
    return this.http.patch<Store>(this.itemPath(id, "/plugin_settings"), patch);
  }
}

function productForm(input: ProductCreate | ProductUpdate, image: Upload): FormData {
  const form = new FormData();
  form.append("data", JSON.stringify(input));
  form.append("image", image.data, image.filename);
  return form;
}

/** Products. With `store` given, listing, counting and reading are public (the store front uses them). */
export class ProductsResource extends Resource<Product, ProductUpdate, ProductFilters> {
  constructor(http: Transport) {
    super(http, "/products");
  }

  /** Reads a product; with `store` it is the public catalogue read and works without a token. */
  override get(id: string, filters: { store?: string } = {}): Promise<Product> {
    return this.http.get<Product>(this.itemPath(id), { query: filters });
  }

  /** Creates a product from JSON, or, with an image, as multipart (`data` = the JSON, `image` = the file). */
  create(input: ProductCreate, image?: Upload): Promise<Product> {
    if (!image) return this.http.post<Product>(this.path, input);
    return this.http.request<Product>("POST", this.path, { form: productForm(input, image) });
  }

  /** Changes the fields given; with an image, as multipart, replacing the product's image. */
  override update(id: string, patch: ProductUpdate, image?: Upload): Promise<Product> {
    if (!image) return super.update(id, patch);
    return this.http.request<Product>("PATCH", this.itemPath(id), { form: productForm(patch, image) });
  }

  /** `"all"` followed by the distinct categories of a store's products (a bare list, as Bitcart answers). */
  categories(filters: { store?: string } = {}): Promise<string[]> {
    return this.http.get<string[]>(`${this.path}/categories`, { query: filters });
  }

  /** The highest product price of a store, as a decimal string ("0" when it has none). */
  maxprice(filters: { store?: string } = {}): Promise<string> {
    return this.http.get<string>(`${this.path}/maxprice`, { query: filters });
  }
}

export class DiscountsResource extends CrudResource<Discount, DiscountCreate, DiscountUpdate> {
  constructor(http: Transport) {
    super(http, "/discounts");
  }
}

export class NotificationsResource extends CrudResource<Notification, NotificationCreate, NotificationUpdate> {
  constructor(http: Transport) {
    super(http, "/notifications");
  }

  /** The names of the available providers. Public. */
  providers(): Promise<Page<string>> {
    return this.http.get<Page<string>>(`${this.path}/list`);
  }

  /** Queues a test message; its outcome shows as the record's `last_sent_at` / `last_error`. */
  test(id: string, storeId?: string): Promise<{ queued: true; job_id: number }> {
    return this.http.post(`${this.path}/${encodeURIComponent(id)}/test`, storeId ? { store_id: storeId } : {});
  }

  /** Each provider's options with a JSON Schema to build a form from. Public. */
  schema(): Promise<Record<string, ProviderSchema>> {
    return this.http.get<Record<string, ProviderSchema>>(`${this.path}/schema`);
  }
}

export class TemplatesResource extends CrudResource<Template, TemplateCreate, TemplateUpdate> {
  constructor(http: Transport) {
    super(http, "/templates");
  }

  /** The template names the server renders, all or those applicable to one kind of object (e.g. `store`). */
  templatesList(options: { applicable_to?: string; show_all?: boolean } = {}): Promise<TemplateNames> {
    return this.http.get<TemplateNames>(`${this.path}/list`, { query: options });
  }
}

function fileForm(upload: Upload | undefined, fields: FileFields): FormData {
  const form = new FormData();
  if (Object.keys(fields).length) form.append("data", JSON.stringify(fields));
  if (upload) form.append("file", upload.data, upload.filename);
  return form;
}

/** Uploaded files. `handleUrl` is a stable link that redirects to the file's current URL. */
export class FilesResource extends Resource<TillFile, never> {
  constructor(http: Transport) {
    super(http, "/files");
  }

  /** Uploads a file (multipart: a `file` part, plus a `data` part holding the fields when given). */
  upload(upload: Upload, fields: FileFields = {}): Promise<TillFile> {
    return this.http.request<TillFile>("POST", this.path, { form: fileForm(upload, fields) });
  }

  /** Replaces a file's content and/or its fields. */
  replace(id: string, upload?: Upload, fields: FileFields = {}): Promise<TillFile> {
    return this.http.request<TillFile>("PATCH", this.itemPath(id), { form: fileForm(upload, fields) });
  }

  handleUrl(id: string): string {
    return this.http.url(`${this.path}/handle/${segment(id)}`);
  }
}

export class HealthResource {
  constructor(private readonly http: Transport) {}

  /** The process answers. */
  live(): Promise<HealthStatus> {
    return this.http.get<HealthStatus>("/health/live", { auth: false });
  }

  /** The process and its database answer; a degraded server's 503 body is returned, not thrown. */
  ready(): Promise<HealthStatus> {
    return this.http.get<HealthStatus>("/health/ready", { auth: false, accept: [503] });
  }
}
