-- The creation time of the oldest ticket still open at $now (null when none): where the
-- escalation window of the at-risk evaluation must start.
with

open_at_now as (
    select created_at
    from tickets
    where created_at < $now
        and coalesce(resolved_at, closed_at, $now) >= $now
        and not (resolved_at is null and closed_at is null
                 and coalesce(status, 'open') in ('resolved', 'closed'))
),

final as (
    select min(created_at) as created_at from open_at_now
)

select * from final
