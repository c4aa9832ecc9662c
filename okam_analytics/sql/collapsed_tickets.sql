-- One ticket row per ticket_id from an event log (table event_log_input, built by
-- ingest/event_log.py). Events are ordered by event_at, then by their line in the file.
-- $reassignments_from_source / $reopens_from_source: the preset maps those counters.
-- Extra columns for warnings: response_line, early_response_at.
with

events as (
    select
        *,
        row_number() over ticket_events as event_number,
        lag(status) over ticket_events as previous_status,
        lag(assignee ignore nulls) over ticket_events as previous_assignee,
        -- the initial status is the preset's list, else the ticket's first status
        case
            when len($initial_statuses::varchar[]) = 0
                then status_key = first_value(status_key) over ticket_events
            else list_contains($initial_statuses::varchar[], status_key)
        end as is_initial_status
    from event_log_input
    window ticket_events as (partition by ticket_id order by event_at nulls last, __line)
),

flagged as (
    select
        *,
        (status_key is not null and not is_initial_status) or assignee is not null
            as is_response,
        previous_status in ('resolved', 'closed') and status in ('open', 'pending')
            as is_reopen,
        assignee is not null and previous_assignee is not null and assignee <> previous_assignee
            as is_reassignment
    from events
),

-- ==== per-ticket aggregates over all events
spans as (
    select
        ticket_id,
        max(event_number) as last_event_number,
        min(created_at) as created_column_at,
        min(event_at) as first_event_at,
        arg_min(event_at, event_number) filter (where is_response) as response_at,
        arg_min(__line, event_number) filter (where is_response) as response_line,
        max(event_number) filter (where status in ('open', 'pending')) as last_open_number,
        max(event_number) filter (where status in ('open', 'pending', 'resolved'))
            as last_unclosed_number,
        max(escalation_level) as escalation_level,
        max(reassignment_count) as reassignment_column_count,
        max(reopen_count) as reopen_column_count,
        count(*) filter (where is_reassignment) as reassignment_event_count,
        count(*) filter (where is_reopen) as reopen_event_count
    from flagged
    group by ticket_id
),

-- ==== start of the final run of resolved (or closed) events, when the columns are empty
endings as (
    select
        flagged.ticket_id,
        min(flagged.event_at) filter (
            where flagged.status in ('resolved', 'closed')
            and flagged.event_number > coalesce(spans.last_open_number, 0)
        ) as resolved_event_at,
        min(flagged.event_at) filter (
            where flagged.status = 'closed'
            and flagged.event_number > coalesce(spans.last_unclosed_number, 0)
        ) as closed_event_at
    from flagged
    inner join spans using (ticket_id)
    group by flagged.ticket_id
),

last_events as (
    select flagged.*
    from flagged
    inner join spans
        on flagged.ticket_id = spans.ticket_id
        and flagged.event_number = spans.last_event_number
),

final as (
    select
        last_events.ticket_id,
        last_events.client,
        last_events.title,
        last_events.category,
        last_events.priority,
        last_events.priority_raw,
        last_events.status,
        last_events.status_raw,
        last_events.assignee,
        last_events.team,
        coalesce(spans.created_column_at, spans.first_event_at) as created_at,
        -- a response before creation is impossible: left empty and reported
        case
            when spans.response_at >= coalesce(spans.created_column_at, spans.first_event_at)
                then least(spans.response_at, last_events.first_response_at)
            else last_events.first_response_at
        end as first_response_at,
        coalesce(last_events.resolved_at, endings.resolved_event_at) as resolved_at,
        coalesce(last_events.closed_at, endings.closed_event_at) as closed_at,
        coalesce(spans.escalation_level, 0)::integer as escalation_level,
        -- the source's own counters when the preset maps them, else counted from the events
        (case
            when $reassignments_from_source then coalesce(spans.reassignment_column_count, 0)
            else spans.reassignment_event_count
        end)::integer as reassignment_count,
        (case
            when $reopens_from_source then coalesce(spans.reopen_column_count, 0)
            else spans.reopen_event_count
        end)::integer as reopen_count,
        last_events.source_sla_met,
        last_events.source_resolution_minutes,
        last_events.source_resolution_business_minutes,
        last_events.source_response_minutes,
        last_events.__line,
        spans.response_line,
        case
            when spans.response_at < coalesce(spans.created_column_at, spans.first_event_at)
                then spans.response_at
        end as early_response_at
    from last_events
    inner join spans using (ticket_id)
    inner join endings using (ticket_id)
)

select * from final
