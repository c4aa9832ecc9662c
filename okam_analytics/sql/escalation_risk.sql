-- Open escalations at the as-of moment with the share of each SLA target already consumed,
-- on the priority's clock, and their alert state: at_risk (share >= $at_risk_share) or
-- breached (share >= 1), else ok. The response target runs until the first response only.
-- Reads the temp view escalation_tickets (escalated_tickets.sql).
with

still_open as (
    select *
    from escalation_tickets
    where not is_finished and clock is not null
),

shares as (
    select
        *,
        case when responded_at is null
            then age_clock_minutes / nullif(response_target_minutes, 0) end as response_share,
        age_clock_minutes / nullif(resolution_target_minutes, 0) as resolution_share,
        case when responded_at is null
            then response_target_minutes - age_clock_minutes end as response_left_minutes,
        resolution_target_minutes - age_clock_minutes as resolution_left_minutes
    from still_open
),

worst as (
    select
        *,
        greatest(coalesce(response_share, 0), resolution_share) as consumed_share,
        -- the target that binds first: the least time left of the running targets
        least(coalesce(response_left_minutes, resolution_left_minutes), resolution_left_minutes)
            as minutes_left,
        case
            when response_left_minutes is not null
                and response_left_minutes <= resolution_left_minutes then 'response'
            else 'resolution'
        end as target
    from shares
),

final as (
    select
        source,
        ticket_id,
        client,
        priority,
        assignee,
        created_at,
        clock,
        target,
        response_share,
        resolution_share,
        consumed_share,
        minutes_left,
        case
            when consumed_share >= 1 then 'breached'
            when consumed_share >= $at_risk_share then 'at_risk'
            else 'ok'
        end as risk_state
    from worst
    order by consumed_share desc, source, ticket_id
)

select * from final
