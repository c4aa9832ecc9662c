-- Canonical schema (SPEC section 2). Idempotent: run on every connect.
-- Timestamps are naive local time of the business calendar's time zone.

create sequence if not exists import_id_seq start 1;

create table if not exists imports (
    import_id integer primary key,
    kind varchar not null,              -- tickets | timesheets
    preset varchar,
    file_name varchar,
    sha256 varchar not null,
    encoding varchar,
    delimiter varchar,
    sheet varchar,
    date_format varchar,
    rows_read integer,
    rows_loaded integer,
    rows_rejected integer,
    rows_warned integer,
    period_start timestamp,
    period_end timestamp,
    imported_at timestamp,
    status varchar not null default 'active'   -- active | undone
);

-- Row-level findings of an import: severity 'reject' (row not loaded) or 'warning' (row loaded).
create table if not exists import_rejects (
    import_id integer not null,
    line bigint,
    "column" varchar,
    value varchar,
    reason varchar,
    severity varchar not null default 'reject'
);

-- Every version of every ticket row, one per import that carried it.
-- `tickets` holds the winning version of each natural key among active imports.
create table if not exists ticket_versions (
    source varchar not null,
    ticket_id varchar not null,
    client varchar,
    title varchar,
    category varchar,
    priority varchar,                   -- P1..P4 or null
    priority_raw varchar,
    status varchar,                     -- open | pending | resolved | closed
    status_raw varchar,
    assignee varchar,
    team varchar,
    created_at timestamp,
    first_response_at timestamp,
    resolved_at timestamp,
    closed_at timestamp,
    escalation_level integer default 0,
    reassignment_count integer default 0,
    reopen_count integer default 0,
    source_sla_met boolean,
    source_resolution_minutes double,
    source_resolution_business_minutes double,
    source_response_minutes double,
    import_id integer not null
);

create table if not exists tickets as select * from ticket_versions limit 0;

create table if not exists ticket_event_versions (
    source varchar not null,
    ticket_id varchar not null,
    event_at timestamp,
    status_raw varchar,
    assignee varchar,
    team varchar,
    priority varchar,
    import_id integer not null
);

create table if not exists ticket_events as select * from ticket_event_versions limit 0;

create table if not exists time_entry_versions (
    source varchar not null,
    entry_key varchar not null,
    work_date date,
    started_at timestamp,
    consultant varchar,
    client varchar,
    project varchar,
    task varchar,
    ticket_id varchar,
    hours double,
    is_billable boolean,
    is_absence boolean,
    description varchar,
    import_id integer not null
);

create table if not exists time_entries as select * from time_entry_versions limit 0;

create table if not exists consultants (
    consultant varchar primary key,
    team varchar,
    role varchar,
    weekly_capacity_hours double,
    active_from date,
    active_to date
);

-- A consultant known by several spellings: alias -> canonical name.
create table if not exists consultant_aliases (
    alias varchar primary key,
    consultant varchar not null
);

create table if not exists clients (
    client varchar primary key,
    contract_hours_per_month double,
    sla_tier varchar
);

create table if not exists settings (
    key varchar primary key,
    value json
);

-- Manager-saved column mappings, reused when the same header row comes back.
create table if not exists saved_mappings (
    name varchar primary key,
    kind varchar not null,
    mapping json not null,
    saved_at timestamp
);

-- Knowledge evidence (SPEC 4.1) dated in (from_on, upto_on]: hours worked (absences excluded)
-- and tickets handled, each worth ticket_weight hours; internal clients (lower-cased names in
-- internal_clients, setting knowledge.internal_clients) are not clients to know.
create or replace macro knowledge_evidence(from_on, upto_on, ticket_weight, internal_clients) as table
    select consultant, client, work_date as evidence_on, hours as weight
    from time_entries
    where not coalesce(is_absence, false)
      and consultant is not null and client is not null and hours is not null
      and work_date > from_on and work_date <= upto_on
      and not list_contains(internal_clients::varchar[], lower(client))
    union all
    select assignee as consultant, client,
           coalesce(resolved_at, created_at)::date as evidence_on,
           ticket_weight::double as weight
    from tickets
    where assignee is not null and client is not null
      and coalesce(resolved_at, created_at) >= from_on::date + 1
      and coalesce(resolved_at, created_at) < upto_on::date + 1
      and not list_contains(internal_clients::varchar[], lower(client));

-- Who is active when, with what weekly capacity (SPEC 4.2): active_from/active_to when set (open
-- end when only active_from); otherwise from the first time entry to the last, still open when
-- that last entry is in the last 28 days of the timesheets (people log at the end of the week).
create or replace macro consultant_roster(default_capacity_hours) as table
    with entry_span as (
        select
            consultant,
            min(work_date) as first_entry_on,
            case
                when max(work_date) > max(max(work_date)) over () - 28 then null
                else max(work_date)
            end as last_entry_on
        from time_entries
        where consultant is not null
        group by consultant
    )
    select
        coalesce(c.consultant, s.consultant) as consultant,
        c.team,
        coalesce(c.weekly_capacity_hours, default_capacity_hours) as weekly_capacity_hours,
        coalesce(c.active_from, s.first_entry_on) as active_from,
        case
            when c.active_from is not null or c.active_to is not null then c.active_to
            else s.last_entry_on
        end as active_to
    from consultants c
    full join entry_span s on c.consultant = s.consultant;

-- Distinct clients each consultant worked for (non-absence hours) between two dates, inclusive.
create or replace macro period_clients_by_consultant(date_from, date_to) as table
    select consultant, count(distinct client) as clients
    from time_entries
    where work_date between date_from and date_to
      and consultant is not null and client is not null
      and not coalesce(is_absence, false) and hours > 0
    group by consultant;

-- Tickets open at as_of (exclusive) per assignee, and how many are escalated (SPEC 4.2, 4.3).
-- Open: created before as_of, neither resolved nor closed before it; a ticket resolved/closed
-- without a date is taken as closed (we cannot tell since when). Escalated: priority in
-- priorities, escalation_level >= 1, or (include_reassigned) reassigned at least once.
create or replace macro open_tickets_by_consultant(as_of, priorities, include_reassigned) as table
    select
        assignee as consultant,
        count(*) as open_tickets,
        count(*) filter (
            where coalesce(list_contains(priorities::varchar[], priority), false)
               or coalesce(escalation_level, 0) >= 1
               or (include_reassigned and coalesce(reassignment_count, 0) >= 1)
        ) as open_escalations
    from tickets
    where assignee is not null
      and created_at < as_of
      and (resolved_at is null or resolved_at >= as_of)
      and (closed_at is null or closed_at >= as_of)
      and not (resolved_at is null and closed_at is null
               and coalesce(status, 'open') in ('resolved', 'closed'))
    group by assignee;

-- ============================================================================================
-- Coverage runway and cross-training plan (SPEC 4.4)
-- ============================================================================================

-- A client's own knower target (null: the setting knowledge.target_knowers); older files gain
-- the column here.
alter table clients add column if not exists target_knowers integer;

-- Saved cross-training plans: one row per assignment, dated by the plan's as-of day.
create table if not exists coverage_plan_assignments (
    plan_on date not null,
    saved_at timestamp not null,
    client varchar not null,
    learner varchar not null,
    trainer varchar,
    hours double not null,
    horizon_weeks integer not null,
    primary key (plan_on, client, learner)
);

-- ============================================================================================
-- Steering action items (SPEC 12): what was promised at a client's meeting, carried to the next.
-- ============================================================================================
create sequence if not exists action_item_id_seq start 1;

create table if not exists action_items (
    id integer primary key default nextval('action_item_id_seq'),
    client varchar not null,
    text varchar not null,
    owner varchar,
    due_on date,
    status varchar not null default 'open' check (status in ('open', 'done')),
    created_at timestamp not null,
    done_at timestamp,
    check ((status = 'done') = (done_at is not null))
);

-- ---------------------------------------------------------------------------------------
-- Today page, alerts and delivery (SPEC 11)
-- ---------------------------------------------------------------------------------------

-- The e-mail addresses that receive a client's steering pack (null: none). Added to files
-- made before this column existed.
alter table clients add column if not exists contacts varchar[];

-- One row per SLA alert delivered: a ticket is alerted once per state (at_risk, breached).
create table if not exists sent_alerts (
    source varchar not null,
    ticket_id varchar not null,
    state varchar not null,
    sent_at timestamp not null,
    primary key (source, ticket_id, state)
);

-- ===== Live data: connections to the tools' APIs (SPEC 10) =====
-- One row per named source. secret_env names the environment variable (or secrets.toml key)
-- holding the token: the token itself is never stored. cursor is where the next sync
-- starts, written in the same transaction as the rows it follows.
create table if not exists connections (
    name varchar primary key,
    type varchar not null,
    base_url varchar not null,
    options json,
    secret_env varchar not null,
    cursor varchar,
    last_sync_at timestamp,
    last_status varchar,           -- loaded | unchanged | failed
    last_rows integer,
    last_error varchar,
    last_import_id integer
);
