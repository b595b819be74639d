"""Whose a ticket is: its agent (客服工号) with name, phone and mail from the agents directory,
the agent's team and the team's supervisor (组长) from config, and who is chased when."""

from __future__ import annotations

import polars as pl
from pydantic import Field, NonNegativeFloat, PositiveFloat

from toolkit.config.models import Strict

OWNER_COLUMNS = ("agent_name", "agent_phone", "agent_email", "team")
"""What the agents directory gives each agent (columns 客服工号, 姓名, 手机, 邮箱, 班组)."""
DIRECTORY_ALIASES: dict[str, tuple[str, ...]] = {
    "agent": ("客服工号", "工号", "agent", "agent_id"),
    "agent_name": ("姓名", "客服姓名", "name"),
    "agent_phone": ("手机", "手机号", "phone"),
    "agent_email": ("邮箱", "email"),
    "team": ("班组", "组别", "team"),
}


class Person(Strict):
    name: str
    phone: str | None = None
    email: str | None = None


class Team(Strict):
    """A team's supervisor, and its agents where the directory has no 班组 column for them."""

    supervisor: Person
    agents: list[str] = []


class Escalation(Strict):
    """A ticket is the agent's until its limit passes; then its team's supervisor's (after
    `supervisor_after` more working minutes, 0: at once), then the manager's, if one is named,
    `manager_after` working minutes past the limit."""

    supervisor_after: NonNegativeFloat = 0
    manager: Person | None = None
    manager_after: PositiveFloat = Field(240, description="working minutes past the limit")


def directory_frame(directory: pl.DataFrame | None) -> pl.DataFrame:
    """The agents directory with every owner column (text), one row per agent."""
    schema = {"agent": pl.String, **dict.fromkeys(OWNER_COLUMNS, pl.String)}
    if directory is None:
        return pl.DataFrame(schema=schema)
    columns = [
        (
            pl.col(name).cast(pl.String).str.strip_chars() if name in directory.columns else pl.lit(None, pl.String)
        ).alias(name)
        for name in schema
    ]
    return directory.select(columns).filter(pl.col("agent").is_not_null()).unique("agent", keep="first")


def team_frame(teams: dict[str, Team]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(team → supervisor, agent → team from config)."""
    supervisors = pl.DataFrame(
        {
            "team": list(teams),
            "supervisor": [t.supervisor.name for t in teams.values()],
            "supervisor_phone": [t.supervisor.phone for t in teams.values()],
            "supervisor_email": [t.supervisor.email for t in teams.values()],
        },
        schema=dict.fromkeys(("team", "supervisor", "supervisor_phone", "supervisor_email"), pl.String),
    )
    members = pl.DataFrame(
        [(agent, name) for name, team in teams.items() for agent in team.agents],
        schema={"agent": pl.String, "config_team": pl.String},
        orient="row",
    ).unique("agent", keep="first")
    return supervisors, members


def with_owners(tickets: pl.LazyFrame, directory: pl.DataFrame | None, teams: dict[str, Team]) -> pl.LazyFrame:
    """Each ticket with its agent's name, phone, mail and team (the directory's 班组, else the
    team config lists the agent in) and the team's supervisor."""
    supervisors, members = team_frame(teams)
    return (
        tickets.with_columns(pl.col("agent").cast(pl.String).str.strip_chars())
        .join(directory_frame(directory).lazy(), on="agent", how="left")
        .join(members.lazy(), on="agent", how="left")
        .with_columns(team=pl.coalesce("team", "config_team"))
        .drop("config_team")
        .join(supervisors.lazy(), on="team", how="left")
    )


__all__ = [
    "DIRECTORY_ALIASES",
    "OWNER_COLUMNS",
    "Escalation",
    "Person",
    "Team",
    "directory_frame",
    "team_frame",
    "with_owners",
]
