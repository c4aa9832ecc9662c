-- One row per escalated ticket created in the period (and by the as-of time): response and
-- resolution in calendar (24x7, DST-true) and business minutes, SLA flags and state at as-of.
-- Defines the temp view escalation_tickets; reads the temp tables escalation_parameters,
-- escalation_targets and business_timeline_hours (metrics/escalations.py: prepare).
with

parameters as (
    select * from escalation_parameters
),

targets as (
    select * from escalation_targets
),

escalated as (
    select
        source,
        ticket_id,
        client,
        priority,
        assignee,
        created_at,
        source_sla_met,
        -- only what was known at the as-of time
        case when first_response_at < parameters.as_of then first_response_at end as responded_at,
        case when coalesce(resolved_at, closed_at) < parameters.as_of
            then coalesce(resolved_at, closed_at) end as finished_at,
        coalesce(resolved_at, closed_at) is null
            and status in ('resolved', 'closed') as is_finished_undated
    from tickets
    cross join parameters
    where created_at >= parameters.date_from
        and created_at < parameters.date_end
        and created_at < parameters.as_of
        and (
            list_contains(parameters.priorities, priority)
            or coalesce(escalation_level, 0) >= 1
            or (parameters.include_reassigned and coalesce(reassignment_count, 0) >= 1)
        )
),

as_of_clock as (
    select
        c.elapsed_minutes_before
            + c.elapsed_rate * (epoch(parameters.as_of) - epoch(c.local_from)) / 60 as as_of_elapsed,
        c.open_minutes_before
            + c.open_rate * (epoch(parameters.as_of) - epoch(c.local_from)) / 60 as as_of_open
    from parameters
    join business_timeline_hours as c
        on c.hour_start = date_trunc('hour', parameters.as_of)
        and parameters.as_of >= c.local_from and parameters.as_of < c.local_to
),

clocked as (
    select
        escalated.*,
        -- clock positions (calendar.py docstring): elapsed and open minutes since the timeline start
        c.elapsed_minutes_before
            + c.elapsed_rate * (epoch(escalated.created_at) - epoch(c.local_from)) / 60 as created_elapsed,
        c.open_minutes_before
            + c.open_rate * (epoch(escalated.created_at) - epoch(c.local_from)) / 60 as created_open,
        r.elapsed_minutes_before
            + r.elapsed_rate * (epoch(escalated.responded_at) - epoch(r.local_from)) / 60 as responded_elapsed,
        r.open_minutes_before
            + r.open_rate * (epoch(escalated.responded_at) - epoch(r.local_from)) / 60 as responded_open,
        f.elapsed_minutes_before
            + f.elapsed_rate * (epoch(escalated.finished_at) - epoch(f.local_from)) / 60 as finished_elapsed,
        f.open_minutes_before
            + f.open_rate * (epoch(escalated.finished_at) - epoch(f.local_from)) / 60 as finished_open
    from escalated
    -- each timestamp's timeline segment: same clock hour, local_from <= t < local_to
    left join business_timeline_hours as c
        on c.hour_start = date_trunc('hour', escalated.created_at)
        and escalated.created_at >= c.local_from and escalated.created_at < c.local_to
    left join business_timeline_hours as r
        on r.hour_start = date_trunc('hour', escalated.responded_at)
        and escalated.responded_at >= r.local_from and escalated.responded_at < r.local_to
    left join business_timeline_hours as f
        on f.hour_start = date_trunc('hour', escalated.finished_at)
        and escalated.finished_at >= f.local_from and escalated.finished_at < f.local_to
),

durations as (
    select
        clocked.*,
        responded_elapsed - created_elapsed as response_minutes,
        responded_open - created_open as response_business_minutes,
        finished_elapsed - created_elapsed as resolution_minutes,
        finished_open - created_open as resolution_business_minutes,
        as_of_elapsed - created_elapsed as age_minutes,
        as_of_open - created_open as age_business_minutes,
        finished_at is not null or is_finished_undated as is_finished
    from clocked
    cross join as_of_clock
),

judged as (
    select
        durations.*,
        targets.clock,
        targets.response_target_minutes,
        targets.resolution_target_minutes,
        -- the priority's clock decides which minutes meet the target
        case when targets.clock = 'business' then durations.response_business_minutes
            else durations.response_minutes end as response_clock_minutes,
        case when targets.clock = 'business' then durations.resolution_business_minutes
            else durations.resolution_minutes end as resolution_clock_minutes,
        case when targets.clock = 'business' then age_business_minutes
            else age_minutes end as age_clock_minutes
    from durations
    left join targets on targets.priority = durations.priority
),

flagged as (
    select
        judged.*,
        case
            when response_target_minutes is null then null
            when response_clock_minutes is not null
                then response_clock_minutes <= response_target_minutes
            when is_finished then null  -- resolved without response data: counted apart
            when age_clock_minutes > response_target_minutes then false
        end as response_met,
        case
            when resolution_target_minutes is null then null
            when resolution_clock_minutes is not null
                then resolution_clock_minutes <= resolution_target_minutes
            when is_finished then null
            when age_clock_minutes > resolution_target_minutes then false
        end as resolution_met
    from judged
),

final as (
    select
        source,
        ticket_id,
        client,
        priority,
        assignee,
        created_at,
        response_minutes,
        response_business_minutes,
        resolution_minutes,
        resolution_business_minutes,
        response_met,
        resolution_met,
        case
            when clock is null then 'no_target'
            when not is_finished and (response_met = false or resolution_met = false)
                then 'open_breached'
            when not is_finished then 'open_within'
            when response_met = false or resolution_met = false then 'breached'
            when response_met is null or resolution_met is null then 'no_response_data'
            else 'met'
        end as state,
        -- details for the pages
        date_trunc('month', created_at)::date as created_month,
        date_trunc('week', created_at)::date as created_week,
        responded_at,
        finished_at,
        is_finished,
        clock,
        response_target_minutes,
        resolution_target_minutes,
        response_clock_minutes,
        resolution_clock_minutes,
        case when not is_finished then age_minutes end as age_minutes,
        case when not is_finished then age_business_minutes end as age_business_minutes,
        case when not is_finished then age_clock_minutes end as age_clock_minutes,
        is_finished and responded_at is null and clock is not null as is_missing_response,
        case
            when response_met = false or resolution_met = false then false
            when resolution_met and response_met is not false then true
        end as sla_met,
        source_sla_met
    from flagged
)

select * from final
