"""Who is acting, and with what: the context every service call receives."""
from dataclasses import dataclass, field

from .settings import Settings


@dataclass(frozen=True)
class Actor:
    username: str
    id: int | None = None
    roles: frozenset[str] = frozenset()
    unit_codes: tuple[str, ...] = ()

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(role in self.roles for role in roles)

    @property
    def groups(self) -> set[str]:
        """Candidate groups this actor answers to: its unit codes and role names."""
        return set(self.unit_codes) | set(self.roles)


# The platform acting by itself: `SYSTEM` for scheduler work and anonymous reads,
# `SYSTEM_ADMIN` for set-up (first administrator, CLI commands, demo data).
SYSTEM = Actor(username="system", roles=frozenset({"system"}))
SYSTEM_ADMIN = Actor(username="system", roles=frozenset({"admin"}))


@dataclass
class Ctx:
    session: object  # sqlalchemy.orm.Session
    clock: object  # engine.kernel.clock.SystemClock | FrozenClock
    actor: Actor = SYSTEM
    settings: Settings = field(default_factory=Settings)

    def now(self):
        return self.clock.now()
