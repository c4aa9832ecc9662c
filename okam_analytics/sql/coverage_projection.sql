-- Knowledge of each consultant about each active client at the as-of day A and, projected
-- without new work, at a later day E (SPEC 4.4): evidence dated up to A only, decayed from E,
-- left out once its age at E reaches window_days. Absent consultants are no knowers.
-- Params: $as_of_on, $projected_on, $half_life_days, $window_days, $ticket_weight,
--         $knower_floor, $min_share, $target_knowers, $active_days, $internal_clients, $absent.
with

evidence as (
    select
        *,
        $as_of_on::date - evidence_on as age_days,
        $projected_on::date - evidence_on as age_at_end_days
    from knowledge_evidence(date '0001-01-01', $as_of_on::date, $ticket_weight, $internal_clients)
),

active_clients as (
    select
        e.client,
        coalesce(any_value(c.target_knowers), $target_knowers)::integer as target_knowers
    from evidence e
    left join clients c using (client)
    group by e.client
    having min(e.age_days) < $active_days
),

scores as (
    select
        client,
        consultant,
        coalesce(sum(weight * pow(0.5, age_days / $half_life_days::double))
            filter (where age_days < $window_days), 0) as knowledge_at_as_of,
        coalesce(sum(weight * pow(0.5, age_at_end_days / $half_life_days::double))
            filter (where age_at_end_days < $window_days), 0) as knowledge_at_end
    from evidence
    where age_days < $window_days and client in (select client from active_clients)
    group by client, consultant
),

totals as (
    select
        *,
        sum(knowledge_at_as_of) over (partition by client) as client_knowledge_at_as_of,
        sum(knowledge_at_end) over (partition by client) as client_knowledge_at_end
    from scores
),

-- the relative 1e-9 absorbs floating error, as in knowledge_scores.sql
final as (
    select
        t.client,
        t.consultant,
        a.target_knowers,
        t.knowledge_at_as_of,
        t.knowledge_at_as_of > 0
            and t.knowledge_at_as_of * (1 + 1e-9) >= $knower_floor
            and t.knowledge_at_as_of * (1 + 1e-9) >= $min_share * t.client_knowledge_at_as_of
            and not list_contains($absent::varchar[], t.consultant) as is_knower_at_as_of,
        t.knowledge_at_end,
        t.client_knowledge_at_end,
        t.knowledge_at_end > 0
            and t.knowledge_at_end * (1 + 1e-9) >= $knower_floor
            and t.knowledge_at_end * (1 + 1e-9) >= $min_share * t.client_knowledge_at_end
            and not list_contains($absent::varchar[], t.consultant) as is_knower_at_end
    from totals t
    join active_clients a using (client)
    order by t.client, t.knowledge_at_as_of desc, t.consultant
)

select * from final
