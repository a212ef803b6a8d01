import * as client from "openid-client";
import type { OidcSettings } from "../config";
import { oidcFailed, oidcUnavailable } from "../domain/errors";
import type { OidcProvider, ProviderIdentity } from "../domain/oidc";

/** Seconds any request to the provider may take. */
const TIMEOUT_S = 10;

/**
 * The OpenID provider of `OIDC_ISSUER`, spoken to through openid-client. Its metadata is
 * discovered on first use and kept; a failed discovery is tried again on the next use, so a
 * provider that was down at start is picked up once it is back.
 */
export class OpenIdClient implements OidcProvider {
  #configuration: Promise<client.Configuration> | undefined;

  constructor(private readonly settings: OidcSettings) {}

  async begin(redirectUri: string) {
    const configuration = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: scopesFor(configuration),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  async complete(input: { callbackUrl: URL; state: string; nonce: string; codeVerifier: string }): Promise<ProviderIdentity> {
    const configuration = await this.configuration();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, input.callbackUrl, {
        expectedState: input.state,
        expectedNonce: input.nonce,
        pkceCodeVerifier: input.codeVerifier,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      // Providers may keep the profile claims out of the ID token (and must when it is not the only
      // token): the UserInfo answer, for the same subject, completes them.
      const userInfo = configuration.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub) : {};
      const claims: Record<string, unknown> = { ...idToken, ...userInfo };
      return {
        issuer: idToken.iss,
        subject: idToken.sub,
        email: typeof claims.email === "string" ? claims.email : undefined,
        emailVerified: claims.email_verified === true,
        name: typeof claims.name === "string" ? claims.name : undefined,
        preferredUsername: typeof claims.preferred_username === "string" ? claims.preferred_username : undefined,
      };
    } catch (err) {
      throw unreachable(err) ? oidcUnavailable(describe(err)) : oidcFailed(describe(err));
    }
  }

  private configuration(): Promise<client.Configuration> {
    this.#configuration ??= this.discover().catch((err: unknown) => {
      this.#configuration = undefined;
      throw oidcUnavailable(describe(err));
    });
    return this.#configuration;
  }

  private async discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    // Plain http is let through for an issuer on this machine only (the configuration refuses any other).
    const insecure = issuer.protocol === "http:";
    const found = await client.discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, {
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: TIMEOUT_S,
    });
    // The client authenticates as OpenID Connect's default (HTTP Basic) unless the provider takes the form post only.
    const metadata = found.serverMetadata();
    const methods = metadata.token_endpoint_auth_methods_supported;
    const secret = this.settings.clientSecret;
    const auth = !methods || methods.includes("client_secret_basic") ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret);
    const configuration = new client.Configuration(metadata, this.settings.clientId, secret, auth);
    if (insecure) client.allowInsecureRequests(configuration);
    configuration.timeout = TIMEOUT_S;
    return configuration;
  }
}

/** `openid`, with `email` and `profile` where the provider offers them (or does not say). */
function scopesFor(configuration: client.Configuration): string {
  const supported = configuration.serverMetadata().scopes_supported;
  return ["openid", ...["email", "profile"].filter((s) => !supported || supported.includes(s))].join(" ");
}

/** True when the provider could not be reached or did not answer in time, rather than answered no. */
function unreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === "TimeoutError" || err.name === "AbortError" || (err instanceof TypeError && err.message === "fetch failed");
}

/** One line on what went wrong, for the log: the provider's error code and description, or the cause. */
function describe(err: unknown): string {
  if (err instanceof client.ResponseBodyError || err instanceof client.AuthorizationResponseError) {
    return `the provider answered ${err.error}${err.error_description ? ` (${err.error_description})` : ""}`;
  }
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
}
