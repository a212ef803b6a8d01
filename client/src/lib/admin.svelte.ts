import type { CreateInviteBody, CreateUserBody, InviteCreated, MemberList, MembershipRole, UpdateUserBody, User } from "@codewright/shared";
import { errorMessage, type ApiClient } from "./api";

export type LoadStatus = "loading" | "ready" | "failed";

/** Sorts people by display name, then email, for stable lists. */
function byName(a: User, b: User): number {
  return a.displayName.localeCompare(b.displayName) || a.email.localeCompare(b.email);
}

/**
 * The admin's list of accounts. Mutations update the list from the server's answer and
 * throw `ApiError` for the caller's form to show.
 */
export class UserDirectory {
  readonly #api: ApiClient;
  users: User[] = $state([]);
  status: LoadStatus = $state("loading");
  problem: string | null = $state(null);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(): Promise<void> {
    this.status = "loading";
    try {
      this.users = (await this.#api.listUsers()).sort(byName);
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  async create(body: CreateUserBody): Promise<User> {
    const user = await this.#api.createUser(body);
    this.users = [...this.users, user].sort(byName);
    return user;
  }

  async update(id: string, change: UpdateUserBody): Promise<User> {
    const user = await this.#api.updateUser(id, change);
    this.users = this.users.map((u) => (u.id === id ? user : u));
    return user;
  }

  invite(body: CreateInviteBody): Promise<InviteCreated> {
    return this.#api.createInvite(body);
  }
}

export type Member = MemberList["members"][number];

/** The members of one standard, and the accounts an admin can add to it. */
export class MemberRoster {
  readonly #api: ApiClient;
  readonly slug: string;
  members: Member[] = $state([]);
  users: User[] = $state([]);
  status: LoadStatus = $state("loading");
  problem: string | null = $state(null);

  /** Active accounts that are not members yet. */
  readonly candidates: User[] = $derived(this.users.filter((u) => !u.disabled && !this.members.some((m) => m.user.id === u.id)));

  constructor(api: ApiClient, slug: string) {
    this.#api = api;
    this.slug = slug;
  }

  async load(): Promise<void> {
    this.status = "loading";
    try {
      const [members, users] = await Promise.all([this.#api.members(this.slug), this.#api.listUsers()]);
      this.members = members.sort((a, b) => byName(a.user, b.user));
      this.users = users.sort(byName);
      this.status = "ready";
      this.problem = null;
    } catch (error) {
      this.status = "failed";
      this.problem = errorMessage(error);
    }
  }

  /** Adds the user, or changes their role and voting right. */
  async set(userId: string, role: MembershipRole, voting: boolean): Promise<void> {
    const membership = await this.#api.setMember(this.slug, userId, { role, voting });
    const user = this.users.find((u) => u.id === userId) ?? this.members.find((m) => m.user.id === userId)?.user;
    if (!user) {
      await this.load();
      return;
    }
    const member: Member = { user, role: membership.role, voting: membership.voting, interestCategory: membership.interestCategory };
    const others = this.members.filter((m) => m.user.id !== userId);
    this.members = [...others, member].sort((a, b) => byName(a.user, b.user));
  }

  async remove(userId: string): Promise<void> {
    await this.#api.removeMember(this.slug, userId);
    this.members = this.members.filter((m) => m.user.id !== userId);
  }
}
