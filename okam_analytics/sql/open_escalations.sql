-- Escalated tickets still open at the as-of time, oldest first, with their age bucket.
-- Reads the temp table escalation_tickets (escalated_tickets.sql).
with

still_open as (
    select *
    from escalation_tickets
    where not is_finished
),

final as (
    select
        source,
        ticket_id,
        client,
        priority,
        assignee,
        created_at,
        state,
        clock,
        age_minutes,
        age_business_minutes,
        age_clock_minutes,
        resolution_target_minutes,
        age_clock_minutes - resolution_target_minutes as resolution_margin_minutes,
        case
            when age_minutes < 60 * 24 then '< 1 day'
            when age_minutes < 60 * 24 * 3 then '1-3 days'
            when age_minutes < 60 * 24 * 7 then '3-7 days'
            when age_minutes < 60 * 24 * 30 then '7-30 days'
            else '>= 30 days'
        end as age_bucket
    from still_open
    order by age_minutes desc, source, ticket_id
)

select * from final
