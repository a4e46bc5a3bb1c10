"""Names, ethnicity and languages for residents, contacts and staff of a diverse English city.

Each person is drawn from a *heritage*: a pool of given names (by sex and, for
names that went in and out of fashion, by decade of birth), family names and
the languages other than English that some people of that heritage prefer. NHS
ethnic categories map onto heritages; the category mix is younger and more
diverse in the more deprived neighbourhoods, as in English cities. All lists
are written for this project.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

from oneteam.people.models import EthnicCategory

from .sampling import Weighted, zipf

# Given names by the first year of birth they are typical for, most typical first.
Cohorts = tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Heritage:
    """A pool of names, and the languages some people of this heritage prefer to English."""

    female: Cohorts
    male: Cohorts
    family: tuple[str, ...]
    languages: tuple[str, ...] = ()
    # The chance that a working-age adult prefers a language other than English.
    non_english: float = 0.0

    @cached_property
    def _family_choice(self) -> Weighted[str]:
        return zipf(self.family)

    def given_name(self, rng: random.Random, female: bool, birth_year: int) -> str:
        """A given name typical for the sex and year of birth."""
        cohorts = self.female if female else self.male
        names = cohorts[0][1]
        for first_year, cohort_names in cohorts:
            if birth_year >= first_year:
                names = cohort_names
        return names[int(rng.random() ** 1.6 * len(names))]  # earlier names in a cohort are the commoner ones

    def family_name(self, rng: random.Random) -> str:
        """A family name, common ones far more often than rare ones."""
        return self._family_choice.pick(rng)


def _one(*names: str) -> Cohorts:
    """Given names that do not depend on year of birth."""
    return ((0, names),)


ENGLISH = Heritage(
    female=(
        (0, ("Margaret", "Joan", "Dorothy", "Doris", "Irene", "Betty", "Joyce", "Eileen", "Audrey", "Mary", "Edna",
             "Hilda", "Vera", "Kathleen", "Phyllis", "Elsie", "Jean", "Marjorie", "Gladys", "Winifred", "Sheila")),
        (1945, ("Susan", "Linda", "Christine", "Janet", "Patricia", "Carol", "Elizabeth", "Anne", "Jacqueline",
                "Julie", "Karen", "Deborah", "Gillian", "Pauline", "Lesley", "Valerie", "Sandra", "Elaine", "Wendy")),
        (1970, ("Sarah", "Claire", "Nicola", "Emma", "Lisa", "Joanne", "Michelle", "Helen", "Samantha", "Amanda",
                "Rachel", "Louise", "Kelly", "Laura", "Rebecca", "Victoria", "Gemma", "Donna", "Kerry", "Natalie")),
        (1990, ("Jessica", "Emily", "Sophie", "Chloe", "Lauren", "Hannah", "Charlotte", "Amy", "Megan", "Bethany",
                "Olivia", "Ellie", "Holly", "Jade", "Abigail", "Georgia", "Katie", "Shannon", "Eleanor", "Lucy")),
        (2005, ("Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Sophia", "Grace", "Freya",
                "Poppy", "Evie", "Ella", "Willow", "Florence", "Rosie", "Daisy", "Harper", "Millie", "Phoebe")),
    ),
    male=(
        (0, ("John", "William", "George", "Arthur", "Albert", "Frederick", "Harold", "Kenneth", "Ronald", "Dennis",
             "Frank", "Ernest", "Leonard", "Stanley", "Walter", "Alfred", "Thomas", "Norman", "Eric", "Roy")),
        (1945, ("David", "Michael", "Peter", "Stephen", "Paul", "Robert", "Richard", "Alan", "Christopher",
                "Anthony", "Graham", "Keith", "Philip", "Brian", "Colin", "Martin", "Ian", "Trevor", "Malcolm")),
        (1970, ("Mark", "Andrew", "Matthew", "Daniel", "James", "Lee", "Darren", "Craig", "Stuart", "Jason",
                "Wayne", "Carl", "Neil", "Simon", "Jonathan", "Scott", "Dean", "Adam", "Gareth", "Michael")),
        (1990, ("Thomas", "Jack", "Joshua", "Ryan", "Luke", "Samuel", "Jordan", "Liam", "Callum", "Connor",
                "Lewis", "Jake", "Nathan", "Bradley", "Kieran", "Jamie", "Alex", "Harry", "Joe", "Oliver")),
        (2005, ("Oliver", "Noah", "George", "Leo", "Arthur", "Oscar", "Theo", "Freddie", "Jack", "Harry", "Charlie",
                "Archie", "Henry", "Alfie", "Theodore", "Finley", "Teddy", "Jacob", "Isaac", "Reggie")),
    ),
    family=(
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
        "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes",
        "Edwards", "Turner", "Harris", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Lee", "King",
        "Baker", "Harrison", "Morgan", "Allen", "Scott", "Phillips", "Watson", "Parker", "Price", "Bennett",
        "Young", "Mitchell", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Cox",
        "Marshall", "Simpson", "Ellis", "Wilkinson", "Foster", "Chapman", "Webb", "Holmes", "Barker", "Atkinson",
        "Butler", "Dixon", "Pearson", "Fletcher", "Greenwood", "Hartley", "Sutcliffe", "Haigh", "Knowles",
        "Ackroyd", "Crowther", "Stansfield", "Pickles", "Oldroyd",
    ),
)  # fmt: skip

IRISH = Heritage(
    female=_one("Mary", "Bridget", "Siobhan", "Niamh", "Aoife", "Maeve", "Catherine", "Róisín", "Sinéad", "Orla",
                "Kathleen", "Eileen", "Nuala", "Deirdre"),
    male=_one("Patrick", "Sean", "Michael", "Declan", "Ciaran", "Padraig", "Eamon", "Kieran", "Liam", "Conor",
              "Brendan", "Dermot", "Fergal", "Cathal"),
    family=("Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "O'Sullivan", "Walsh", "McCarthy", "Doyle", "Gallagher",
            "O'Connor", "Quinn", "Brennan", "Flanagan", "Kavanagh", "Fitzgerald", "Donnelly", "Duffy", "Nolan"),
)  # fmt: skip

POLISH = Heritage(
    female=_one("Agnieszka", "Katarzyna", "Anna", "Magdalena", "Joanna", "Justyna", "Ewa", "Aleksandra", "Monika",
                "Małgorzata", "Zofia", "Natalia"),
    male=_one("Piotr", "Tomasz", "Krzysztof", "Marcin", "Paweł", "Łukasz", "Jakub", "Mateusz", "Michał", "Kamil",
              "Grzegorz", "Adam"),
    family=("Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek", "Jabłoński", "Nowicki",
            "Dudek", "Pawlak", "Michalak", "Sikora"),
    languages=("Polish",),
    non_english=0.45,
)  # fmt: skip

ROMANIAN = Heritage(
    female=_one("Ioana", "Elena", "Andreea", "Maria", "Alexandra", "Mihaela", "Cristina", "Gabriela", "Roxana"),
    male=_one("Andrei", "Ionuț", "Mihai", "Alexandru", "Florin", "Cătălin", "Bogdan", "Ștefan", "Vasile"),
    family=("Popescu", "Ionescu", "Popa", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei", "Ciobanu"),
    languages=("Romanian",),
    non_english=0.5,
)

PORTUGUESE = Heritage(
    female=_one("Ana", "Inês", "Mariana", "Beatriz", "Sofia", "Joana", "Catarina", "Rita", "Filipa"),
    male=_one("João", "Tiago", "Pedro", "Rui", "Miguel", "Nuno", "Diogo", "Ricardo", "Duarte"),
    family=("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Sousa", "Gomes"),
    languages=("Portuguese",),
    non_english=0.4,
)

ITALIAN = Heritage(
    female=_one("Giulia", "Francesca", "Chiara", "Sara", "Valentina", "Giovanna", "Rosa", "Lucia", "Elisa"),
    male=_one("Marco", "Giuseppe", "Luca", "Giovanni", "Antonio", "Francesco", "Matteo", "Salvatore", "Davide"),
    family=("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"),
    languages=("Italian",),
    non_english=0.25,
)

CARIBBEAN = Heritage(
    female=(
        (0, ("Beverley", "Marcia", "Hyacinth", "Claudette", "Yvonne", "Paulette", "Gloria", "Icilda", "Merle")),
        (1965, ("Sharon", "Janice", "Tanya", "Natasha", "Michelle", "Keisha", "Donna", "Simone", "Carlene")),
        (1995, ("Shanice", "Jada", "Aaliyah", "Tiana", "Kiara", "Nia", "Amani", "Zara", "Imani")),
    ),
    male=(
        (0, ("Winston", "Delroy", "Errol", "Clinton", "Lloyd", "Desmond", "Everton", "Leroy", "Cedric", "Fitzroy")),
        (1965, ("Marcus", "Andre", "Jermaine", "Tyrone", "Dwayne", "Carlton", "Junior", "Trevor", "Courtney")),
        (1995, ("Tyrese", "Kai", "Jayden", "Malachi", "Reuben", "Josiah", "Elijah", "Nathaniel", "Kofi")),
    ),
    family=("Campbell", "Brown", "Williams", "Thomas", "Francis", "Grant", "Clarke", "Reid", "Bailey", "Robinson",
            "Henry", "Stewart", "Gordon", "Samuels", "McKenzie", "Spencer", "Lewis", "Anderson", "Bryan", "Forbes"),
)  # fmt: skip

WEST_AFRICAN = Heritage(
    female=_one("Folake", "Ngozi", "Chiamaka", "Adaeze", "Funmilayo", "Abena", "Ama", "Blessing", "Grace", "Esther",
                "Temitope", "Yetunde", "Chioma", "Akosua"),
    male=_one("Oluwaseun", "Chinedu", "Emeka", "Tunde", "Babatunde", "Kwame", "Kofi", "Ikenna", "Olumide", "Femi",
              "Samuel", "David", "Kwabena", "Obinna"),
    family=("Adeyemi", "Okafor", "Okonkwo", "Adebayo", "Oluwole", "Mensah", "Owusu", "Boateng", "Asante", "Eze",
            "Nwosu", "Balogun", "Ogunleye", "Adeleke", "Osei", "Appiah"),
    languages=("Yoruba", "Igbo", "Twi"),
    non_english=0.12,
)  # fmt: skip

SOMALI = Heritage(
    female=_one("Hodan", "Fadumo", "Amina", "Sahra", "Asha", "Halima", "Hibo", "Ifrah", "Ayaan", "Nimco", "Deeqa"),
    male=_one("Mohamed", "Abdi", "Ahmed", "Hassan", "Abdirahman", "Yusuf", "Ali", "Omar", "Ismail", "Abdullahi"),
    family=("Mohamed", "Ali", "Hassan", "Abdi", "Farah", "Omar", "Warsame", "Jama", "Hussein", "Osman", "Aden", "Egal"),
    languages=("Somali",),
    non_english=0.45,
)

INDIAN = Heritage(
    female=_one("Priya", "Anjali", "Sunita", "Meera", "Kavita", "Harpreet", "Manjit", "Parminder", "Neha", "Pooja",
                "Asha", "Hansa", "Jaya", "Shreya", "Nisha"),
    male=_one("Rajesh", "Sanjay", "Amit", "Vijay", "Harjit", "Jaswinder", "Ravi", "Arjun", "Rohan", "Manoj",
              "Dilip", "Pradeep", "Suresh", "Gurdeep", "Nikhil"),
    family=("Patel", "Singh", "Sharma", "Mistry", "Gill", "Sandhu", "Chauhan", "Parmar", "Shah", "Desai", "Kumar",
            "Sidhu", "Dhillon", "Mehta", "Joshi", "Lad"),
    languages=("Gujarati", "Punjabi", "Hindi"),
    non_english=0.2,
)  # fmt: skip

PAKISTANI = Heritage(
    female=_one("Fatima", "Ayesha", "Nasreen", "Shazia", "Samina", "Rubina", "Zainab", "Maryam", "Aisha", "Hafsa",
                "Sana", "Iqra", "Khadija", "Parveen", "Nazia"),
    male=_one("Mohammed", "Muhammad", "Imran", "Asif", "Tariq", "Zahid", "Shahid", "Adil", "Bilal", "Hamza",
              "Usman", "Zain", "Ibrahim", "Amjad", "Nadeem"),
    family=("Khan", "Hussain", "Ahmed", "Ali", "Iqbal", "Akhtar", "Mahmood", "Rashid", "Shah", "Aslam", "Butt",
            "Malik", "Mirza", "Qureshi", "Rehman", "Javed"),
    languages=("Urdu", "Punjabi", "Pahari-Pothwari"),
    non_english=0.25,
)  # fmt: skip

BANGLADESHI = Heritage(
    female=_one("Rahima", "Shirin", "Rokeya", "Nasima", "Jahanara", "Taslima", "Sumaiya", "Tahmina", "Farzana",
                "Nusrat", "Salma", "Runa"),
    male=_one("Abdul", "Mohammed", "Shahid", "Jamal", "Rahim", "Kamal", "Sohel", "Anwar", "Rafiq", "Mizanur",
              "Habibur", "Shahed"),
    family=("Miah", "Uddin", "Rahman", "Islam", "Hoque", "Ali", "Ahmed", "Choudhury", "Hussain", "Alam", "Sarkar",
            "Hossain"),
    languages=("Sylheti", "Bengali"),
    non_english=0.35,
)  # fmt: skip

CHINESE = Heritage(
    female=_one("Mei", "Xin", "Li Na", "Yan", "Hui", "Ling", "Siu Ling", "Wai Man", "Jing", "Xiaoli"),
    male=_one("Wei", "Jun", "Hao", "Ming", "Kai", "Chi Keung", "Wing", "Tak Wah", "Jian", "Zhen"),
    family=("Chan", "Wong", "Li", "Zhang", "Wang", "Chen", "Liu", "Lam", "Cheung", "Ng", "Lau", "Ho", "Yeung", "Leung"),
    languages=("Cantonese", "Mandarin"),
    non_english=0.35,
)

TAMIL = Heritage(
    female=_one("Tharshini", "Kavitha", "Nirosha", "Janani", "Vasuki", "Sharmila", "Abirami", "Thulasi"),
    male=_one("Kajan", "Sivakumar", "Tharmalingam", "Ravindran", "Suthan", "Nirmalan", "Prashanth", "Kumaran"),
    family=("Sivarajah", "Thevarajah", "Kanagaratnam", "Selvaraj", "Nadarajah", "Balasingam", "Yogarajah"),
    languages=("Tamil",),
    non_english=0.3,
)

FILIPINO = Heritage(
    female=_one("Maria", "Jocelyn", "Rosalie", "Marites", "Analyn", "Joy", "Cristina", "Lovely", "Divina"),
    male=_one("Jose", "Rodel", "Mark", "Ramon", "Jun", "Rommel", "Arnel", "Noel", "Reynaldo"),
    family=("Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Dela Cruz", "Ramos", "Villanueva", "Aquino"),
    languages=("Tagalog",),
    non_english=0.1,
)

ARAB = Heritage(
    female=_one("Noor", "Layla", "Rania", "Huda", "Salma", "Mariam", "Dina", "Reem", "Yasmin", "Hala"),
    male=_one("Ahmed", "Omar", "Khalid", "Yousef", "Mahmoud", "Karim", "Samir", "Tariq", "Hussam", "Bashir"),
    family=("Al-Hassan", "Haddad", "Mansour", "Saleh", "Nasser", "Khalil", "Hamdan", "Darwish", "Aziz", "Al-Rawi"),
    languages=("Arabic",),
    non_english=0.45,
)

KURDISH_IRANIAN = Heritage(
    female=_one("Shilan", "Nazanin", "Roya", "Parisa", "Shirin", "Avin", "Leila", "Zhila"),
    male=_one("Dara", "Rebin", "Karwan", "Reza", "Hamid", "Amir", "Hawre", "Soran"),
    family=("Karimi", "Rostami", "Ahmadi", "Hosseini", "Rahimi", "Mohammadi", "Mahmoudi", "Aziz", "Rasul"),
    languages=("Kurdish (Sorani)", "Farsi"),
    non_english=0.45,
)

_C = EthnicCategory
# The heritages people of each ethnic category are drawn from.
HERITAGES: dict[str, Weighted[Heritage]] = {
    _C.WHITE_BRITISH: Weighted([(ENGLISH, 1)]),
    _C.WHITE_IRISH: Weighted([(IRISH, 1)]),
    _C.WHITE_OTHER: Weighted([(POLISH, 35), (ROMANIAN, 25), (PORTUGUESE, 12), (ITALIAN, 10), (ENGLISH, 18)]),
    _C.MIXED_WHITE_BLACK_CARIBBEAN: Weighted([(ENGLISH, 55), (CARIBBEAN, 45)]),
    _C.MIXED_WHITE_BLACK_AFRICAN: Weighted([(ENGLISH, 50), (WEST_AFRICAN, 50)]),
    _C.MIXED_WHITE_ASIAN: Weighted([(ENGLISH, 50), (INDIAN, 20), (PAKISTANI, 30)]),
    _C.MIXED_OTHER: Weighted([(ENGLISH, 50), (ARAB, 20), (CARIBBEAN, 15), (CHINESE, 15)]),
    _C.ASIAN_INDIAN: Weighted([(INDIAN, 1)]),
    _C.ASIAN_PAKISTANI: Weighted([(PAKISTANI, 1)]),
    _C.ASIAN_BANGLADESHI: Weighted([(BANGLADESHI, 1)]),
    _C.ASIAN_OTHER: Weighted([(TAMIL, 50), (FILIPINO, 50)]),
    _C.BLACK_CARIBBEAN: Weighted([(CARIBBEAN, 1)]),
    _C.BLACK_AFRICAN: Weighted([(WEST_AFRICAN, 60), (SOMALI, 40)]),
    _C.BLACK_OTHER: Weighted([(CARIBBEAN, 50), (WEST_AFRICAN, 50)]),
    _C.CHINESE: Weighted([(CHINESE, 1)]),
    _C.OTHER: Weighted([(ARAB, 50), (KURDISH_IRANIAN, 50)]),
    _C.NOT_STATED: Weighted([(ENGLISH, 75), (IRISH, 3), (POLISH, 4), (PAKISTANI, 8), (WEST_AFRICAN, 5), (INDIAN, 5)]),
}

# Per cent of each age group in each ethnic category: the older population is far less diverse.
_CATEGORY_MIX = {
    # category: (aged 0-39, 40-64, 65 and over)
    _C.WHITE_BRITISH: (52.0, 66.0, 82.0),
    _C.WHITE_IRISH: (0.6, 1.2, 2.5),
    _C.WHITE_OTHER: (7.0, 6.0, 2.5),
    _C.MIXED_WHITE_BLACK_CARIBBEAN: (2.2, 0.8, 0.2),
    _C.MIXED_WHITE_BLACK_AFRICAN: (1.2, 0.4, 0.1),
    _C.MIXED_WHITE_ASIAN: (1.5, 0.5, 0.1),
    _C.MIXED_OTHER: (1.5, 0.6, 0.2),
    _C.ASIAN_INDIAN: (3.5, 3.5, 3.0),
    _C.ASIAN_PAKISTANI: (7.0, 5.0, 2.5),
    _C.ASIAN_BANGLADESHI: (2.0, 1.5, 0.8),
    _C.ASIAN_OTHER: (2.2, 2.0, 0.8),
    _C.BLACK_CARIBBEAN: (1.5, 2.2, 2.5),
    _C.BLACK_AFRICAN: (5.5, 3.5, 0.8),
    _C.BLACK_OTHER: (1.2, 0.6, 0.3),
    _C.CHINESE: (2.2, 1.2, 0.6),
    _C.OTHER: (2.5, 2.0, 0.6),
    _C.NOT_STATED: (5.0, 3.0, 2.0),
}


def _category_choice(age_group: int, decile: int) -> Weighted[str]:
    # Minority groups are a larger share of the population in the more deprived neighbourhoods.
    tilt = 1 + 0.6 * (5.5 - decile) / 4.5
    return Weighted(
        (str(category), shares[age_group] * (1 if category == _C.WHITE_BRITISH else tilt))
        for category, shares in _CATEGORY_MIX.items()
    )


_CATEGORY_CHOICE = {(group, decile): _category_choice(group, decile) for group in range(3) for decile in range(1, 11)}


def ethnic_category(rng: random.Random, age: int, decile: int) -> str:
    """An NHS ethnic category code for someone of `age` living in an area of IMD `decile`."""
    group = 0 if age < 40 else 1 if age < 65 else 2
    return _CATEGORY_CHOICE[group, decile].pick(rng)


def heritage(rng: random.Random, category: str) -> Heritage:
    """The heritage a person of ethnic `category` takes their names from."""
    return HERITAGES[category].pick(rng)
