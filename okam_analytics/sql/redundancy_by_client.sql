-- Knowledge redundancy per client at the as-of date (SPEC 4.1): knowers, absence factor,
-- status, and whether the client is active. Knowledge is computed as in knowledge_scores.sql.
-- Params: $as_of_on, $half_life_days, $window_days, $ticket_weight, $knower_floor, $min_share,
--         $target_knowers, $active_days.
with

-- evidence up to T (all of it: the last activity of a dormant client is shown too)
evidence as (
    select *, $as_of_on::date - evidence_on as age_days
    from knowledge_evidence(date '0001-01-01', $as_of_on::date, $ticket_weight, $internal_clients)
),

-- activity per client
activity as (
    select
        client,
        max(evidence_on) as last_activity_on,
        coalesce(sum(weight) filter (where age_days < $active_days), 0) as evidence_hours_90d
    from evidence
    group by client
),

-- decayed knowledge per consultant and client, inside the window
scores as (
    select
        client,
        consultant,
        sum(weight * pow(0.5, age_days / $half_life_days::double)) as knowledge
    from evidence
    where age_days < $window_days
    group by client, consultant
    having sum(weight) > 0
),

ranked as (
    select
        *,
        sum(knowledge) over (partition by client) as total_knowledge,
        sum(knowledge) over (
            partition by client order by knowledge desc, consultant rows unbounded preceding
        ) as running_knowledge,
        row_number() over (partition by client order by knowledge desc, consultant) as knowledge_rank
    from scores
),

-- knowers (relative 1e-9: floating error at a threshold) and the CHAOSS absence factor:
-- the fewest consultants whose knowledge together exceeds half the client's total
by_client as (
    select
        client,
        count(*) filter (where is_knower) as knowers,
        coalesce(
            list(consultant order by knowledge desc, consultant) filter (where is_knower), []
        ) as knower_names,
        coalesce(min(knowledge_rank) filter (where running_knowledge > 0.5 * total_knowledge), 0)
            as absence_factor,
        max(total_knowledge) as total_knowledge
    from (
        select
            *,
            knowledge * (1 + 1e-9) >= $knower_floor
                and knowledge * (1 + 1e-9) >= $min_share * total_knowledge as is_knower
        from ranked
    )
    group by client
),

all_clients as (
    select client from clients
    where not list_contains($internal_clients::varchar[], lower(client))
    union
    select client from activity
),

final as (
    select
        c.client,
        coalesce(k.knowers, 0)::integer as knowers,
        coalesce(k.knower_names, []) as knower_names,
        coalesce(k.absence_factor, 0)::integer as absence_factor,
        case
            when coalesce(k.knowers, 0) = 0 then 'uncovered'
            -- a client's own target (clients directory) before the setting
            when k.knowers >= coalesce(t.target_knowers, $target_knowers) then 'covered'
            when k.knowers = 1 then 'single'
            else 'thin'
        end as status,
        case
            when $as_of_on::date - a.last_activity_on < $active_days then 'active'
            else 'dormant'
        end as activity,
        coalesce(k.total_knowledge, 0) as total_knowledge,
        a.last_activity_on,
        coalesce(a.evidence_hours_90d, 0) as evidence_hours_90d
    from all_clients c
    left join by_client k using (client)
    left join activity a using (client)
    left join clients t on t.client = c.client
    order by c.client
)

select * from final
