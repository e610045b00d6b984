//! A generator of realistic thinkbaby stores, shared by `examples/gen.rs` and the
//! benchmarks: families with names from Luton's languages, babies whose ages at
//! their first visit spread over a year, weekly sessions for four groups over
//! about three years, attendance and observation notes.
//!
//! It writes through `Change` in batches of a few thousand records a commit: it
//! is a generator, not a user path, so it does not pay one sync per record.
//! The same seed gives the same records (ids included), whatever the machine.

#![allow(dead_code)]

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use thinkbaby::domain::audit::{self, AuditAction};
use thinkbaby::domain::tags::TagList;
use thinkbaby::domain::*;
use thinkbaby::store::{Change, Store, StoreError};
use uuid::Uuid;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Params {
    pub families: usize,
    pub observations: usize,
    /// The last session day; sessions run weekly for `years` before it.
    pub until: NaiveDate,
    pub years: u32,
    pub seed: u64,
    /// Records (puts, index entries included) per commit.
    pub batch: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            families: 50_000,
            observations: 500_000,
            until: NaiveDate::from_ymd_opt(2026, 11, 19).unwrap_or_default(),
            years: 3,
            seed: 2014,
            batch: 4_000,
        }
    }
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub groups: Vec<Group>,
    pub sessions: usize,
    pub families: usize,
    pub babies: usize,
    pub attendance: usize,
    pub observations: usize,
    /// Audit entries, one for each change the program would have recorded.
    pub audit: usize,
    pub commits: usize,
    /// The last session of each group (same order as `groups`).
    pub last_sessions: Vec<Session>,
    /// A family with the most attendances, for timeline benchmarks.
    pub busiest_family: Option<Uuid>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} families ({} babies), {} groups, {} sessions, {} attendances, {} observations, {} audit entries in {} commits",
            self.families,
            self.babies,
            self.groups.len(),
            self.sessions,
            self.attendance,
            self.observations,
            self.audit,
            self.commits
        )
    }
}

/// A deterministic UUIDv7 for a moment: the time from `at`, the rest from the seed.
pub fn id_at(rng: &mut fastrand::Rng, at: DateTime<Utc>) -> Uuid {
    let mut bytes = [0u8; 10];
    for b in &mut bytes {
        *b = rng.u8(..);
    }
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis().max(0) as u64, &bytes).into_uuid()
}

struct Background {
    language: &'static str,
    /// Share of families (per thousand).
    weight: u32,
    mothers: &'static [&'static str],
    fathers: &'static [&'static str],
    surnames: &'static [&'static str],
    girls: &'static [&'static str],
    boys: &'static [&'static str],
    /// Share who need an interpreter (per cent).
    interpreter: u32,
}

const BACKGROUNDS: &[Background] = &[
    Background {
        language: "Urdu",
        weight: 220,
        mothers: &[
            "Ayesha", "Fatima", "Zainab", "Sana", "Amina", "Hira", "Rabia", "Nazia", "Saima", "Mehwish", "Iqra",
            "Bushra",
        ],
        fathers: &["Mohammed", "Imran", "Asif", "Tariq", "Usman", "Bilal", "Kamran", "Adnan"],
        surnames: &[
            "Khan", "Hussain", "Akhtar", "Iqbal", "Mahmood", "Butt", "Rashid", "Shah", "Ali", "Javed", "Qureshi",
            "Malik",
        ],
        girls: &["Aisha", "Maryam", "Inaya", "Hafsa", "Zara", "Eman", "Anaya", "Mahnoor", "مریم"],
        boys: &["Ibrahim", "Zayn", "Hamza", "Musa", "Ayaan", "Yusuf", "Rayyan", "Ahmed"],
        interpreter: 20,
    },
    Background {
        language: "Bengali",
        weight: 170,
        mothers: &[
            "Sadia",
            "Nusrat",
            "Rahima",
            "Shahana",
            "Taslima",
            "Farzana",
            "Sumaiya",
            "Jahanara",
            "সাদিয়া",
            "Momena",
        ],
        fathers: &["Abdul", "Shahid", "Rafiq", "Jamal", "Kamal", "Anwar", "Sohel"],
        surnames: &["Begum", "Rahman", "Uddin", "Miah", "Ahmed", "Chowdhury", "Khatun", "Islam", "Hoque", "Akter"],
        girls: &["Nafisa", "Raisa", "Tasnim", "Anisa", "Safa", "Maliha", "Ruqayyah"],
        boys: &["Arif", "Tahmid", "Rayan", "Zubair", "Ishaq", "Nabil", "Imran"],
        interpreter: 25,
    },
    Background {
        language: "Polish",
        weight: 130,
        mothers: &[
            "Łucja",
            "Agnieszka",
            "Zofia",
            "Katarzyna",
            "Magdalena",
            "Joanna",
            "Małgorzata",
            "Ewa",
            "Justyna",
            "Paulina",
        ],
        fathers: &["Piotr", "Tomasz", "Paweł", "Michał", "Krzysztof", "Łukasz"],
        surnames: &[
            "Nowak",
            "Kowalska",
            "Wiśniewska",
            "Wójcik",
            "Kamińska",
            "Lewandowska",
            "Zielińska",
            "Szymańska",
            "Dąbrowska",
        ],
        girls: &["Zuzanna", "Hanna", "Julia", "Maja", "Zofia", "Lena", "Alicja"],
        boys: &["Jakub", "Antoni", "Szymon", "Jan", "Filip", "Franciszek", "Mikołaj"],
        interpreter: 15,
    },
    Background {
        language: "Romanian",
        weight: 110,
        mothers: &[
            "Ioana",
            "Andreea",
            "Elena",
            "Mihaela",
            "Alexandra",
            "Cristina",
            "Roxana",
            "Florentina",
            "Georgiana",
        ],
        fathers: &["Andrei", "Ionuț", "Florin", "Marius", "Bogdan", "Cătălin"],
        surnames: &[
            "Popescu",
            "Ionescu",
            "Dumitru",
            "Stan",
            "Stoica",
            "Gheorghe",
            "Rusu",
            "Munteanu",
            "Constantin",
            "Niță",
        ],
        girls: &["Maria", "Sofia", "Ana", "Ioana", "Daria", "Eva", "Bianca"],
        boys: &["Ștefan", "Luca", "David", "Matei", "Alexandru", "Rareș", "Tudor"],
        interpreter: 25,
    },
    Background {
        language: "Somali",
        weight: 90,
        mothers: &["Hodan", "Fadumo", "Ayan", "Sahra", "Ubah", "Hawa", "Khadra", "Deeqa", "Nimco", "Asli"],
        fathers: &["Abdirahman", "Mohamed", "Abdullahi", "Hassan", "Omar", "Guled"],
        surnames: &["Mohamed", "Ali", "Hassan", "Abdi", "Warsame", "Farah", "Omar", "Jama", "Osman", "Yusuf"],
        girls: &["Hibo", "Nimco", "Ifrah", "Sagal", "Hamdi", "Ilhan", "Idil"],
        boys: &["Yusuf", "Abdirahman", "Mahad", "Ilyas", "Liban", "Sakariye"],
        interpreter: 30,
    },
    Background {
        language: "Portuguese",
        weight: 80,
        mothers: &["Ana", "Beatriz", "Mariana", "Inês", "Joana", "Catarina", "Sofia", "Rita", "Vânia"],
        fathers: &["João", "Pedro", "Tiago", "Rui", "Nuno", "Gonçalo"],
        surnames: &["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Gonçalves"],
        girls: &["Leonor", "Matilde", "Beatriz", "Carolina", "Francisca", "Mafalda"],
        boys: &["Tomás", "Rodrigo", "Martim", "Duarte", "Afonso", "Santiago"],
        interpreter: 15,
    },
    Background {
        language: "English",
        weight: 200,
        mothers: &[
            "Emma",
            "Zoë",
            "Charlotte",
            "Jade",
            "Chloe",
            "Sophie",
            "Megan",
            "Rebecca",
            "Hannah",
            "Lauren",
            "Amy",
            "Kayleigh",
        ],
        fathers: &["James", "Daniel", "Tom", "Ryan", "Liam", "Jack", "Callum"],
        surnames: &[
            "Smith", "Taylor", "Jones", "Brown", "Williams", "Wilson", "Johnson", "Walker", "Wright", "Thompson",
            "O'Brien",
        ],
        girls: &["Olivia", "Amelia", "Isla", "Ava", "Freya", "Lily", "Poppy", "Evie"],
        boys: &["Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Theo", "Freddie"],
        interpreter: 0,
    },
];

struct GroupPlan {
    name: &'static str,
    venue: &'static str,
    neighbourhood: Neighbourhood,
    weekday: u8,
    start: (u32, u32),
    staff: [&'static str; 2],
    postcodes: &'static [&'static str],
}

const GROUPS: &[GroupPlan] = &[
    GroupPlan {
        name: "Flying Start Central",
        venue: "Blenheim Crescent Church Hall, Blenheim Crescent, LU3 1HB",
        neighbourhood: Neighbourhood::Central,
        weekday: 3,
        start: (10, 0),
        staff: ["CR", "SB"],
        postcodes: &["LU1 1", "LU1 3", "LU2 0", "LU3 1"],
    },
    GroupPlan {
        name: "Flying Start South",
        venue: "Unit 3G-4G, The Gallery, The Mall, LU1 2TW",
        neighbourhood: Neighbourhood::South,
        weekday: 1,
        start: (13, 30),
        staff: ["JP", "AK"],
        postcodes: &["LU1 2", "LU1 4", "LU1 5"],
    },
    GroupPlan {
        name: "Flying Start North",
        venue: "Lea Manor Children's Centre, Northwell Drive, LU3 3TL",
        neighbourhood: Neighbourhood::North,
        weekday: 0,
        start: (10, 0),
        staff: ["MN", "HT"],
        postcodes: &["LU3 2", "LU3 3", "LU3 4"],
    },
    GroupPlan {
        name: "Flying Start West",
        venue: "Hockwell Ring Children's Centre, Hockwell Ring, LU4 9PU",
        neighbourhood: Neighbourhood::West,
        weekday: 2,
        start: (10, 0),
        staff: ["DW", "FA"],
        postcodes: &["LU4 0", "LU4 8", "LU4 9"],
    },
];

const STAFF: &[(&str, &str)] = &[
    ("CR", "Christine Rogers"),
    ("SB", "Shabana Bibi"),
    ("JP", "Joanna Pietrzak"),
    ("AK", "Amira Kaur"),
    ("MN", "Michelle Nolan"),
    ("HT", "Hawa Tahlil"),
    ("DW", "Donna Walsh"),
    ("FA", "Farhana Ahmed"),
];

/// Observation notes as facilitators write them; `{c}` is the carer, `{b}` the baby.
const NOTES: &[&str] = &[
    "{c} held {b} close and sang quietly; {b} settled within a minute and watched her face.",
    "{b} reached for the rattle and {c} waited, let {b} explore it before naming it.",
    "{c} wondered aloud whether {b} was tired today. Talked about sleep routines.",
    "{c} spent most of the group on the phone; {b} looked towards her several times.",
    "Floor play on the mat: {c} copied {b}'s sounds and {b} answered back. Lovely turn-taking.",
    "{b} was hard to settle at first. {c} tried feeding, then rocking; calmer after 10 minutes.",
    "{c} said she feels low and has not been out much since the birth. Gave the wellbeing leaflet.",
    "{c} talked with another mum about weaning; first time she joined in with the group chat.",
    "{b} gazing at {c} during the song; {c} smiled and slowed down to match {b}.",
    "Modelled talking to {b} during the nappy change; {c} tried it and laughed when {b} cooed.",
    "{c} asked about the health visitor drop-in. Signposted to the Tuesday clinic.",
    "{b} turned away from faces for much of the session; {c} noticed and gave {b} space.",
    "{c} picked {b} up quickly when {b} cried near the older baby and explained what happened to {b}.",
    "Interpreter present. {c} shared photos from home; {b} rolling over now.",
    "{c} anxious about {b}'s weight; reassured and suggested she talk to the health visitor.",
    "{b} calm and alert throughout, babbling during the rhyme. {c} proud of the new sounds.",
    "{c} handled {b} roughly when putting the coat on; talked gently about slowing down.",
    "Dad came today for the first time; {b} fell asleep on his chest during the story.",
];

const FOLLOW_UPS: &[&str] = &[
    "Mention to health visitor at next contact.",
    "Check in with {c} next week about how she is feeling.",
    "Discussed with the centre's safeguarding lead the same day.",
    "Offer a referral to the perinatal mental health team.",
];

fn pick<'a>(rng: &mut fastrand::Rng, items: &'a [&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn background(rng: &mut fastrand::Rng) -> &'static Background {
    let total: u32 = BACKGROUNDS.iter().map(|b| b.weight).sum();
    let mut n = rng.u32(..total);
    for b in BACKGROUNDS {
        if n < b.weight {
            return b;
        }
        n -= b.weight;
    }
    &BACKGROUNDS[0]
}

fn at(day: NaiveDate, hour: u32, min: u32) -> DateTime<Utc> {
    let t = NaiveTime::from_hms_opt(hour.min(23), min.min(59), 0).unwrap_or_default();
    Utc.from_utc_datetime(&day.and_time(t))
}

fn phone(rng: &mut fastrand::Rng) -> String {
    format!("07{:03} {:06}", rng.u32(100..1000), rng.u32(..1_000_000))
}

fn postcode(rng: &mut fastrand::Rng, plan: &GroupPlan) -> String {
    const LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let a = LETTERS[rng.usize(..LETTERS.len())] as char;
    let b = LETTERS[rng.usize(..LETTERS.len())] as char;
    format!("{}{a}{b}", pick(rng, plan.postcodes))
}

/// An audit entry as the program writes it, with a deterministic id.
fn audit_entry(rng: &mut fastrand::Rng, mut e: AuditEntry) -> AuditEntry {
    e.id = id_at(rng, e.at);
    e
}

/// The audit entries of a new note, and of its later edit or deletion.
fn audit_note(rng: &mut fastrand::Rng, change: &mut Change, o: &Observation, device: Uuid) {
    let first = Observation { revisions: o.revisions[..1].to_vec(), deleted: None, ..o.clone() };
    if let Some((action, details)) = audit::observation_change(None, &first) {
        let e = audit_entry(
            rng,
            AuditEntry::new(o.family, action, o.at, &o.author, device).at_session(o.session).details(details),
        );
        change.audit(&e.about_note(o.id));
    }
    if o.revisions.len() > 1 || o.deleted.is_some() {
        let (at, by) = match &o.deleted {
            Some(t) => (t.at, t.by.clone()),
            None => (o.current().at, o.current().by.clone()),
        };
        let with_edit = Observation { deleted: None, ..o.clone() };
        for (old, new) in [(&first, &with_edit), (&with_edit, o)] {
            if let Some((action, details)) = audit::observation_change(Some(old), new) {
                let e = audit_entry(
                    rng,
                    AuditEntry::new(o.family, action, at, &by, device).at_session(o.session).details(details),
                );
                change.audit(&e.about_note(o.id));
            }
        }
    }
}

fn note(template: &str, carer: &str, baby: &str) -> String {
    template.replace("{c}", carer).replace("{b}", baby)
}

/// One family's plan: its record and the sessions (indexes into its group's list) it came to.
struct Plan {
    family: Family,
    group: usize,
    visits: Vec<usize>,
}

struct Writer<'a> {
    store: &'a Store,
    change: Change,
    batch: usize,
    commits: usize,
}

impl Writer<'_> {
    fn maybe_commit(&mut self) -> Result<(), StoreError> {
        if self.change.len() >= self.batch {
            self.commit()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        if !self.change.is_empty() {
            self.store.commit(std::mem::take(&mut self.change))?;
            self.commits += 1;
        }
        Ok(())
    }
}

/// Writes a generated store into `store` (which should be empty) and says what it wrote.
pub fn generate(store: &Store, p: &Params) -> Result<Summary, StoreError> {
    let mut rng = fastrand::Rng::with_seed(p.seed);
    let device = store.device();
    let tags: Vec<String> = TagList::built_in().tags.into_iter().map(|t| t.id).collect();
    let first_day = p.until - Duration::days(365 * i64::from(p.years));
    let mut w = Writer { store, change: Change::default(), batch: p.batch.max(1), commits: 0 };
    let mut summary = Summary::default();

    let setup = at(first_day - Duration::days(30), 9, 0);
    for (initials, name) in STAFF {
        w.change.put_staff(&Staff {
            initials: initials.to_string(),
            name: name.to_string(),
            stamp: Stamp::new(setup, device),
        });
    }

    // Groups and their weekly sessions, oldest first.
    let mut sessions: Vec<Vec<Session>> = Vec::new();
    for plan in GROUPS {
        let g = Group {
            id: id_at(&mut rng, setup),
            name: plan.name.to_string(),
            venue: plan.venue.to_string(),
            neighbourhood: Some(plan.neighbourhood),
            weekday: plan.weekday,
            start: NaiveTime::from_hms_opt(plan.start.0, plan.start.1, 0).unwrap_or_default(),
            // Groups run an hour and a half (13:30 ends at 15:00, not at 14:60).
            end: NaiveTime::from_hms_opt(plan.start.0, plan.start.1, 0).unwrap_or_default()
                + chrono::Duration::minutes(90),
            stamp: Stamp::new(setup, device),
        };
        w.change.put_group(&g);
        let mut day = first_day;
        while day.weekday().num_days_from_monday() as u8 != plan.weekday {
            day += Duration::days(1);
        }
        let mut list = Vec::new();
        while day <= p.until {
            let start = at(day, plan.start.0, plan.start.1);
            // The id follows from group and date; the draw keeps the numbers after it where they were.
            let _ = id_at(&mut rng, start - Duration::minutes(30));
            let staff = plan.staff.iter().map(|s| s.to_string()).collect();
            let s = Session::new(g.id, day, staff, Stamp::new(start - Duration::minutes(30), device));
            w.change.put_session(&s);
            list.push(s);
            w.maybe_commit()?;
            day += Duration::days(7);
        }
        summary.sessions += list.len();
        summary.last_sessions.extend(list.last().cloned());
        sessions.push(list);
        summary.groups.push(g);
    }
    w.commit()?;

    // Families: a first visit somewhere in the three years, a baby aged 0-12 months
    // then, and visits on most weeks after it for a while.
    let mut plans: Vec<Plan> = Vec::with_capacity(p.families);
    for _ in 0..p.families {
        let gi = rng.usize(..GROUPS.len());
        let gp = &GROUPS[gi];
        let list = &sessions[gi];
        let first = rng.usize(..list.len());
        let first_day = list[first].date;
        let age_days = rng.i64(0..365);
        let dob = first_day - Duration::days(age_days);
        let bg = background(&mut rng);
        let route = match rng.u32(..100) {
            0..35 => ReferralRoute::DropIn,
            35..70 => ReferralRoute::HealthVisitor,
            70..80 => ReferralRoute::Midwife,
            80..92 => ReferralRoute::ServiceRequest,
            _ => ReferralRoute::OtherAgency,
        };
        let referred =
            if route == ReferralRoute::DropIn { first_day } else { first_day - Duration::days(rng.i64(3..40)) };
        let created = at(referred, 9 + rng.u32(..7), rng.u32(..60));
        let surname = pick(&mut rng, bg.surnames);
        let mut carers = vec![Carer {
            id: id_at(&mut rng, created),
            name: format!("{} {surname}", pick(&mut rng, bg.mothers)),
            relationship: if rng.u32(..20) == 0 { "Grandmother".into() } else { "Mother".into() },
            phone: phone(&mut rng),
        }];
        if rng.u32(..100) < 25 {
            carers.push(Carer {
                id: id_at(&mut rng, created),
                name: format!("{} {surname}", pick(&mut rng, bg.fathers)),
                relationship: "Father".into(),
                phone: if rng.bool() { phone(&mut rng) } else { String::new() },
            });
        }
        let twins = rng.u32(..60) == 0;
        let early = rng.u32(..10) == 0;
        let due = early.then(|| dob + Duration::days(rng.i64(14..70)));
        let mut babies = Vec::new();
        for _ in 0..if twins { 2 } else { 1 } {
            let girl = rng.bool();
            babies.push(Baby {
                id: id_at(&mut rng, created),
                name: pick(&mut rng, if girl { bg.girls } else { bg.boys }).to_string(),
                dob,
                due,
                sex: if rng.u32(..20) == 0 {
                    None
                } else if girl {
                    Some(Sex::Female)
                } else {
                    Some(Sex::Male)
                },
            });
        }
        let need_level = match rng.u32(..100) {
            0..60 => None,
            60..80 => Some(1),
            80..93 => Some(2),
            93..98 => Some(3),
            _ => Some(4),
        };
        let consent = |rng: &mut fastrand::Rng| match rng.u32(..100) {
            0..80 => Consent { answer: ConsentAnswer::Yes, date: Some(first_day) },
            80..90 => Consent { answer: ConsentAnswer::No, date: Some(first_day) },
            _ => Consent::not_asked(),
        };
        let mut alerts = Vec::new();
        if rng.u32(..25) == 0 {
            alerts.push(Alert {
                kind: AlertKind::Allergy,
                text: "Nut allergy (baby): no snacks from the group table".into(),
            });
        }
        if rng.u32(..120) == 0 {
            alerts.push(Alert {
                kind: AlertKind::NoCollect,
                text: "Father may not collect: court order, see file".into(),
            });
        }
        let family = Family {
            id: id_at(&mut rng, created),
            carers,
            babies,
            postcode: postcode(&mut rng, gp),
            neighbourhood: Some(gp.neighbourhood),
            home_language: bg.language.to_string(),
            interpreter: rng.u32(..100) < bg.interpreter,
            referral: Referral {
                route,
                date: (route != ReferralRoute::DropIn).then_some(referred),
                referrer: match route {
                    ReferralRoute::HealthVisitor => "HV team, Bute House".into(),
                    ReferralRoute::Midwife => "Community midwife, L&D".into(),
                    ReferralRoute::ServiceRequest => "Service request form".into(),
                    ReferralRoute::OtherAgency => "Luton Adult Learning".into(),
                    ReferralRoute::DropIn => String::new(),
                },
            },
            hv_level: match rng.u32(..100) {
                0..10 => HvLevel::Unknown,
                10..55 => HvLevel::Universal,
                55..90 => HvLevel::UniversalPlus,
                _ => HvLevel::PartnershipPlus,
            },
            need_level,
            eha: matches!(need_level, Some(2..)) && rng.u32(..10) < 7,
            data_sharing: consent(&mut rng),
            photos: consent(&mut rng),
            alerts,
            groups: vec![summary.groups[gi].id],
            stamp: Stamp::new(created, device),
            erased: None,
            joined_into: None,
            not_same_as: vec![],
        };
        // Visits: the first, then each later week with a chance, until the baby
        // is a year old or the family stops coming.
        let mut visits = vec![first];
        let keep = 0.55 + rng.f64() * 0.4;
        let mut s = first + 1;
        while s < list.len() && list[s].date < dob + Duration::days(365) {
            if rng.f64() < 0.12 {
                break;
            }
            if rng.f64() < keep {
                visits.push(s);
            }
            s += 1;
        }
        plans.push(Plan { family, group: gi, visits });
    }
    plans.sort_by_key(|pl| pl.family.id);

    // Observations: `p.observations` in all, shared out in proportion to visits.
    let total_visits: usize = plans.iter().map(|pl| pl.visits.len()).sum();
    let mut seen_visits = 0usize;
    let mut given = 0usize;
    let mut busiest = (0usize, None);
    for pl in &plans {
        let f = &pl.family;
        let list = &sessions[pl.group];
        w.change.put_family(f);
        let added = audit_entry(&mut rng, AuditEntry::new(f.id, AuditAction::FamilyAdded, f.stamp.created, "", device));
        w.change.audit(&added);
        summary.audit += 1;
        summary.families += 1;
        summary.babies += f.babies.len();
        if pl.visits.len() > busiest.0 {
            busiest = (pl.visits.len(), Some(f.id));
        }
        let gp = &GROUPS[pl.group];
        for (n, &si) in pl.visits.iter().enumerate() {
            let s = &list[si];
            let checked_in = at(s.date, gp.start.0, gp.start.1) + Duration::minutes(rng.i64(-5..40));
            let a = Attendance {
                session: s.id,
                family: f.id,
                checked_in,
                checked_out: (rng.u32(..10) != 0).then(|| checked_in + Duration::minutes(rng.i64(45..100))),
                carers: f.carers.iter().take(if rng.u32(..4) == 0 { 2 } else { 1 }).map(|c| c.id).collect(),
                babies: f.babies.iter().map(|b| b.id).collect(),
                walk_in: n == 0 && f.referral.route == ReferralRoute::DropIn,
                by: pick(&mut rng, &gp.staff).to_string(),
                stamp: Stamp::new(checked_in, device),
            };
            w.change.put_attendance(&a);
            let walk = if a.walk_in { vec![audit::Detail::WalkIn] } else { vec![] };
            let e = audit_entry(
                &mut rng,
                AuditEntry::new(f.id, AuditAction::CheckedIn, checked_in, &a.by, device).at_session(s.id).details(walk),
            );
            w.change.audit(&e);
            summary.audit += 1;
            if let Some(out) = a.checked_out {
                let e = audit_entry(
                    &mut rng,
                    AuditEntry::new(f.id, AuditAction::CheckedOut, out, "", device).at_session(s.id),
                );
                w.change.audit(&e);
                summary.audit += 1;
            }
            summary.attendance += 1;
        }
        seen_visits += pl.visits.len();
        let due = if total_visits == 0 {
            0
        } else {
            (p.observations as u128 * seen_visits as u128 / total_visits as u128) as usize
        };
        let count = due.saturating_sub(given);
        given += count;
        // Spread this family's notes over its visits, oldest first.
        let mut slots: Vec<usize> = (0..count).map(|_| pl.visits[rng.usize(..pl.visits.len())]).collect();
        slots.sort_unstable();
        for si in slots {
            let s = &list[si];
            let o = observation(&mut rng, &tags, f, s, gp, device);
            w.change.put_observation(&o);
            let before = w.change.len();
            audit_note(&mut rng, &mut w.change, &o, device);
            summary.audit += w.change.len() - before;
            summary.observations += 1;
        }
        w.maybe_commit()?;
    }
    w.commit()?;
    summary.busiest_family = busiest.1;
    summary.commits = w.commits;
    Ok(summary)
}

/// One observation of `f` at session `s`, with the occasional edit or deletion.
fn observation(
    rng: &mut fastrand::Rng,
    tags: &[String],
    f: &Family,
    s: &Session,
    gp: &GroupPlan,
    device: Uuid,
) -> Observation {
    let when = at(s.date, gp.start.0, gp.start.1) + Duration::minutes(rng.i64(5..95));
    let baby = &f.babies[rng.usize(..f.babies.len())];
    let carer_first = f.first_carer().split(' ').next().unwrap_or("Mum").to_string();
    let author = pick(rng, &gp.staff).to_string();
    let concern = match rng.u32(..100) {
        0..90 => Concern::None,
        90..98 => Concern::FollowUp,
        _ => Concern::Safeguarding,
    };
    let mut chosen: Vec<String> = Vec::new();
    for _ in 0..rng.usize(1..4) {
        let t = &tags[rng.usize(..tags.len())];
        if !chosen.contains(t) {
            chosen.push(t.clone());
        }
    }
    let note_id = id_at(rng, when);
    let first = Revision {
        id: thinkbaby::store::migrate::revision_id(note_id, 0, when),
        parents: vec![],
        tags: chosen,
        text: note(pick(rng, NOTES), &carer_first, &baby.name),
        concern,
        follow_up: if concern == Concern::None {
            String::new()
        } else {
            note(pick(rng, FOLLOW_UPS), &carer_first, &baby.name)
        },
        baby: (rng.u32(..10) < 7).then_some(baby.id),
        by: author.clone(),
        at: when,
        why: String::new(),
    };
    let mut o = Observation::new(note_id, f.id, s.id, first.clone(), device);
    if rng.u32(..20) == 0 {
        let mut second = first;
        second.id = thinkbaby::store::migrate::revision_id(note_id, 1, when + Duration::hours(2));
        second.text.push_str(" (Added after the group: she said it went better at home.)");
        second.at = when + Duration::hours(2);
        second.why = "added what mum said at the end".into();
        o.revise(second, device);
    }
    if rng.u32(..200) == 0 {
        o.deleted =
            Some(Tombstone { by: author, at: when + Duration::days(1), why: "written on the wrong family".into() });
    }
    o
}

/// A family with `count` observations spread over `count / 3` visits, added to
/// the store after generation (a heavy timeline for benchmarks). Returns its id.
pub fn add_heavy_family(store: &Store, summary: &Summary, count: usize, seed: u64) -> Result<Uuid, StoreError> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let device = store.device();
    let tags: Vec<String> = TagList::built_in().tags.into_iter().map(|t| t.id).collect();
    let group = summary.groups.first().map(|g| g.id).unwrap_or_default();
    let sessions = store.sessions_of(group)?;
    let visits = (count / 3).clamp(1, sessions.len().max(1));
    let first = sessions.len().saturating_sub(visits);
    let created = at(sessions.get(first).map(|s| s.date).unwrap_or_default(), 10, 0);
    let family = Family {
        id: id_at(&mut rng, created),
        carers: vec![Carer {
            id: id_at(&mut rng, created),
            name: "Nguyễn Thị Lan".into(),
            relationship: "Mother".into(),
            phone: "07700 900123".into(),
        }],
        babies: vec![Baby {
            id: id_at(&mut rng, created),
            name: "Minh".into(),
            dob: created.date_naive() - Duration::days(20),
            due: None,
            sex: Some(Sex::Male),
        }],
        postcode: "LU1 1AA".into(),
        neighbourhood: Some(Neighbourhood::Central),
        home_language: "Vietnamese".into(),
        interpreter: true,
        referral: Referral {
            route: ReferralRoute::HealthVisitor,
            date: Some(created.date_naive()),
            referrer: "HV team".into(),
        },
        hv_level: HvLevel::UniversalPlus,
        need_level: Some(2),
        eha: true,
        data_sharing: Consent { answer: ConsentAnswer::Yes, date: Some(created.date_naive()) },
        photos: Consent::not_asked(),
        alerts: vec![],
        groups: vec![group],
        stamp: Stamp::new(created, device),
        erased: None,
        joined_into: None,
        not_same_as: vec![],
    };
    let mut change = Change::default();
    change.put_family(&family);
    change.audit(&audit_entry(&mut rng, AuditEntry::new(family.id, AuditAction::FamilyAdded, created, "", device)));
    let used = &sessions[first..first + visits.min(sessions.len() - first)];
    for s in used {
        let t = at(s.date, 10, 5);
        change.put_attendance(&Attendance {
            session: s.id,
            family: family.id,
            checked_in: t,
            checked_out: Some(t + Duration::minutes(80)),
            carers: vec![family.carers[0].id],
            babies: vec![family.babies[0].id],
            walk_in: false,
            by: "CR".into(),
            stamp: Stamp::new(t, device),
        });
        let (fid, sid) = (family.id, s.id);
        change.audit(&audit_entry(
            &mut rng,
            AuditEntry::new(fid, AuditAction::CheckedIn, t, "CR", device).at_session(sid),
        ));
        let out = t + Duration::minutes(80);
        change.audit(&audit_entry(
            &mut rng,
            AuditEntry::new(fid, AuditAction::CheckedOut, out, "", device).at_session(sid),
        ));
    }
    for i in 0..count {
        let s = &used[i % used.len()];
        let o = observation(&mut rng, &tags, &family, s, &GROUPS[0], device);
        change.put_observation(&o);
        audit_note(&mut rng, &mut change, &o, device);
    }
    store.commit(change)?;
    Ok(family.id)
}
