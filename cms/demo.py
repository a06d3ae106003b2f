"""Demo content of the site: home, about, learning modules and "45 minutes on ..." recordings.

All media is made here (Pillow images, a reportlab PDF, WebVTT captions) or read from
cms/demo_media (a 20-second WebM made in a local browser by make_video.py). Nothing is
downloaded. Idempotent: a page, image, document or person that exists is left alone.
"""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from cms import demo_notices
from cms.models import (
    Audience,
    AuditorPathwayPage,
    ContentPage,
    HomePage,
    HomePageFeaturedModule,
    LearningModuleIndexPage,
    LearningModulePage,
    Person,
    RecordingChapter,
    RecordingIndexPage,
    RecordingPage,
    RecordingSpeaker,
    Standard,
    Visibility,
)
from courses.quiz import demo as quiz_demo
from courses.quiz.models import Quiz

DEMO_MEDIA = Path(__file__).resolve().parent / "demo_media"
BRAND = (14, 94, 111)
ACCENT = (245, 158, 11)


def _say(stdout, text: str) -> None:
    if stdout:
        stdout.write(f"  {text}")


# --- media ------------------------------------------------------------------------------


def _png(text: str, size=(960, 480), colour=BRAND) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    width, height = size
    for i in range(0, width, 40):  # a quiet pattern of "ingots"
        draw.rectangle([i, height - 60, i + 28, height - 40], fill=ACCENT if i % 80 else (255,) * 3)
    try:
        font = ImageFont.load_default(size=max(18, height // 10))
    except TypeError:  # older Pillow
        font = ImageFont.load_default()
    draw.text((width // 16, height // 3), text, fill=(255, 255, 255), font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _image(title: str, description: str, text: str, size=(960, 480), colour=BRAND):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        name = f"{title.lower().replace(' ', '-')}.png"
        image = Image(
            title=title,
            description=description,
            file=ImageFile(io.BytesIO(_png(text, size, colour)), name=name),
        )
        image.save()
    return image


def _document(title: str, filename: str, content: bytes):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, file=ContentFile(content, name=filename))
        document.save()
    return document


def _slides_pdf(title: str, points: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4))
    width, height = landscape(A4)
    pdf.setTitle(title)
    for number, point in enumerate([title, *points], start=1):
        pdf.setFillColorRGB(*(c / 255 for c in BRAND))
        pdf.rect(0, height - 90, width, 90, fill=1, stroke=0)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.setFont("Helvetica-Bold", 24)
        pdf.drawString(40, height - 58, "45 minutes on ..." if number > 1 else title)
        pdf.setFillColorRGB(0.1, 0.15, 0.15)
        pdf.setFont("Helvetica", 30 if number == 1 else 22)
        pdf.drawString(60, height / 2, point if number > 1 else "ASI Learning webinar")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(width - 80, 24, f"{number}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _captions(chapters: list[tuple[str, str]]) -> bytes:
    cues = ["WEBVTT", ""]
    seconds = [0, 5, 10, 15, 20]
    for i, (_, title) in enumerate(chapters[:4]):
        start, end = seconds[i], seconds[i + 1]
        cues += [f"00:00:{start:02d}.000 --> 00:00:{end:02d}.000", title, ""]
    return "\n".join(cues).encode()


# --- pages ------------------------------------------------------------------------------


def _child(parent: Page, model, slug: str, **fields):
    """The child of ``parent`` with ``slug``, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _stream(blocks: list[tuple[str, object]]) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def _practice_quiz():
    return Quiz.objects.filter(is_exam=False).order_by("pk").first()


def _knowledge_check_quiz(spec: dict, default):
    """The quiz a module's knowledge check uses: the Chain of Custody module checks Chain of
    Custody knowledge (its own quiz from the quiz demo), the others the practice quiz."""
    if spec["standard"] == Standard.CHAIN_OF_CUSTODY:
        return Quiz.objects.filter(slug=quiz_demo.COC_SLUG).first() or default
    return default


def _point_knowledge_checks_at(module, quiz) -> bool:
    """Makes an existing module's knowledge checks use ``quiz`` (a demo seeded before the
    Chain of Custody module had its own quiz); True when the module changed (a new revision
    is published)."""
    if quiz is None:
        return False
    changed = False
    raw = list(module.body.raw_data)
    for block in raw:
        if block["type"] == "knowledge_check" and block["value"].get("quiz") != quiz.pk:
            block["value"] = {**block["value"], "quiz": quiz.pk}
            changed = True
    if changed:
        module.body = _stream([(block["type"], block["value"]) for block in raw])
        module.save_revision().publish()
    return changed


MODULES = [
    {
        "slug": "performance-standard-essentials",
        "title": "Performance Standard essentials",
        "summary": "What the Performance Standard asks of each stage of the aluminium value "
        "chain: governance, environment and social principles, in plain words.",
        "standard": Standard.PERFORMANCE,
        "sectors": ["bauxite-mining", "alumina-refining", "aluminium-smelting"],
        "audience": Audience.PUBLIC,
        "visibility": Visibility.PUBLIC,
        "minutes": 30,
        "topics": ["Performance Standard", "Governance"],
    },
    {
        "slug": "chain-of-custody-in-practice",
        "title": "Chain of Custody in practice",
        "summary": "How ASI Aluminium moves through a supply chain under the Chain of Custody "
        "Standard: mass balance, material accounting and outsourcing.",
        "standard": Standard.CHAIN_OF_CUSTODY,
        "sectors": ["casthouse", "post-casthouse"],
        "audience": Audience.MEMBERS,
        "visibility": Visibility.MEMBERS,
        "minutes": 40,
        "topics": ["Chain of Custody", "Material accounting"],
    },
    {
        "slug": "due-diligence-for-responsible-sourcing",
        "title": "Due diligence for responsible sourcing",
        "summary": "The five steps of risk-based due diligence and how they map onto "
        "the standards' requirements for sourcing bauxite and aluminium.",
        "standard": Standard.PERFORMANCE,
        "sectors": ["bauxite-mining", "other-manufacturing"],
        "audience": Audience.MEMBERS,
        "visibility": Visibility.MEMBERS,
        "minutes": 45,
        "topics": ["Due diligence", "Human rights"],
    },
    {
        "slug": "preparing-for-your-first-audit",
        "title": "Preparing for your first audit",
        "summary": "What an audit looks like from the member's side: scope, evidence, "
        "interviews and the corrective action plan.",
        "standard": "",
        "sectors": [],
        "audience": Audience.AUDITORS,
        "visibility": Visibility.PUBLIC,
        "minutes": 20,
        "topics": ["Audits"],
    },
]

RECORDINGS = [
    # slug, title, days from today, topics, members only, speakers, has video
    ("bauxite-residue", "45 minutes on … bauxite residue management", -400,
     ["Environment"], False, [0, 1], True),
    ("ghg-emissions", "45 minutes on … greenhouse gas emissions targets", -300,
     ["Climate", "Performance Standard"], False, [2], True),
    ("free-prior-informed-consent", "45 minutes on … free, prior and informed consent", -200,
     ["Human rights", "Due diligence"], True, [3, 4], True),
    ("mass-balance", "45 minutes on … mass balance under the Chain of Custody", -120,
     ["Chain of Custody", "Material accounting"], True, [1], True),
    ("biodiversity", "45 minutes on … biodiversity and mine rehabilitation", -60,
     ["Environment"], False, [0], False),
    ("supplier-engagement", "45 minutes on … engaging your suppliers", -20,
     ["Due diligence"], False, [2, 4], True),
    ("standard-revision-2027", "45 minutes on … the 2027 standards revision", 21,
     ["Performance Standard", "Chain of Custody"], False, [3], False),
]  # fmt: skip

SPEAKERS = [
    ("Dr Amara Okafor", "Head of Environment", "Guinea Bauxite Partners"),
    ("Lukas Brenner", "Sustainability Manager", "Alpine Rolling GmbH"),
    ("Mei Chen", "Climate Lead", "Pacific Smelters"),
    ("Ana Souza", "Standards Director", "ASI Secretariat"),
    ("Tom Whitfield", "Human Rights Adviser", "Civil Society Network"),
]

CHAPTERS = [
    ("0:00", "Welcome and introductions"),
    ("0:05", "The requirement in brief"),
    ("0:10", "A member's experience"),
    ("0:15", "Questions from the audience"),
]


def _speakers(stdout) -> list[Person]:
    people = []
    palette = [(14, 94, 111), (120, 53, 15), (30, 64, 175), (91, 33, 182), (22, 101, 52)]
    for i, (name, role, organisation) in enumerate(SPEAKERS):
        # The English speaker (a translation has the same name).
        person = Person.objects.filter(name=name, locale__language_code="en").first()
        if person is None:
            initials = "".join(part[0] for part in name.replace("Dr ", "").split()[:2])
            photo = _image(
                f"Speaker {name}",
                f"Portrait placeholder for {name}",
                initials,
                size=(192, 192),
                colour=palette[i % len(palette)],
            )
            person = Person.objects.create(
                name=name, role=role, organisation=organisation, photo=photo
            )
            _say(stdout, f"speaker {name}")
        people.append(person)
    return people


def _module_body(spec: dict, image, video, captions, quiz, recordings_index) -> str:
    blocks: list[tuple[str, object]] = [
        ("heading", {"text": "Why this matters", "level": "h2"}),
        (
            "paragraph",
            f"<p>{spec['summary']}</p><p>Work through the sections below at your own pace. "
            "Each takes a few minutes; the knowledge check at the end tells you whether "
            "the main points have stuck.</p>",
        ),
        ("image", {"image": image.pk, "caption": "From mine to market: the stages it covers."}),
        (
            "quote",
            {
                "quote": "Due diligence is not a one-off check: it is how a company keeps "
                "learning about the risks in its own supply chain.",
                "attribution": "ASI Assurance Manual",
            },
        ),
        ("heading", {"text": "In practice", "level": "h2"}),
        (
            "paragraph",
            "<ul><li>Map your sites and suppliers.</li><li>Identify and assess the risks."
            "</li><li>Act on them and track the results.</li><li>Report on what you did."
            "</li></ul>",
        ),
    ]
    if video is not None:
        blocks.append(
            (
                "video",
                {
                    "title": "A two-minute overview",
                    "video": video.pk,
                    "captions": captions.pk,
                    "external_url": "",
                    "transcript": "Welcome. In this short overview we look at the "
                    "requirement in brief, hear from a member, and answer common questions.",
                },
            )
        )
    if quiz is not None:
        blocks.append(("knowledge_check", {"quiz": quiz.pk, "intro": ""}))
    blocks.append(
        (
            "call_to_action",
            {
                "title": "Hear it from the members",
                "text": "Our “45 minutes on …” sessions go deeper into each topic.",
                "link_page": recordings_index.pk,
                "link_url": "",
                "button_text": "Browse the recordings",
            },
        )
    )
    return _stream(blocks)


def _contact_page(home, stdout) -> None:
    """The contact form linked wherever a page says "contact the secretariat"."""
    from email.utils import parseaddr

    from django.conf import settings

    from cms.models import ContactFormField, ContactPage

    page, created = _child(
        home,
        ContactPage,
        "contact",
        title="Contact the secretariat",
        intro="<p>Questions about membership, courses, exams, accreditation or the register: "
        "write to us and we answer within two working days.</p>",
        to_address=getattr(settings, "CONTACT_EMAIL", "secretariat@example.org"),
        from_address=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        subject="Message from the contact form",
    )
    if not created:
        return
    fields = [
        ("Your name", "singleline", True),
        ("Your e-mail address", "email", True),
        ("Subject", "singleline", True),
        ("Message", "multiline", True),
    ]
    for order, (label, kind, required) in enumerate(fields):
        ContactFormField.objects.create(
            page=page, sort_order=order, label=label, field_type=kind, required=required
        )
    page.save_revision().publish()
    _say(stdout, "page /contact/")


def seed(stdout=None) -> None:
    home = HomePage.objects.order_by("path").first()
    if home is None:
        _say(stdout, "no home page: run migrate first")
        return
    if not home.intro:
        home.intro = "Training, accreditation and the public register of accredited auditors."
        home.save_revision().publish()

    video = _document(
        "45 minutes on … demo recording",
        "45-minutes-demo.webm",
        (DEMO_MEDIA / "45-minutes-demo.webm").read_bytes(),
    )
    captions = _document(
        "45 minutes on … captions (English)", "45-minutes-demo.vtt", _captions(CHAPTERS)
    )
    banner = _image(
        "Value chain banner",
        "Illustration of the aluminium value chain from bauxite mine to finished product",
        "Bauxite > alumina > aluminium > products",
    )
    # Members-only recordings get their own copies: a document used by a members-only
    # page is restricted everywhere, so sharing one file would hide the public videos.
    members_video = _document(
        "45 minutes on … demo recording (members)",
        "45-minutes-demo-members.webm",
        (DEMO_MEDIA / "45-minutes-demo.webm").read_bytes(),
    )
    members_captions = _document(
        "45 minutes on … captions (English, members)",
        "45-minutes-demo-members.vtt",
        _captions(CHAPTERS),
    )
    speakers = _speakers(stdout)
    quiz = _practice_quiz()

    about, created = _child(
        home,
        ContentPage,
        "about",
        title="About ASI Learning",
        intro="The learning and accreditation platform of the aluminium stewardship programme.",
        body=_stream(
            [
                ("heading", {"text": "What you can do here", "level": "h2"}),
                (
                    "paragraph",
                    "<p>Members follow self-paced learning modules and the "
                    "“45 minutes on …” webinar series. Auditors take the mandatory "
                    "training and the accreditation exam. Everyone can check the public "
                    "register of accredited auditors and audit firms.</p>",
                ),
                ("image", {"image": banner.pk, "caption": ""}),
            ]
        ),
    )
    if created:
        _say(stdout, "page /about/")
    demo_notices.seed(home, _child, stdout)  # terms, privacy, cookies, accessibility

    steps = [
        ("Create your account", "Sign up with your work e-mail and confirm it."),
        (
            "Choose your standard and your audit firm",
            "Accreditation is for one standard, in the sectors and countries you audit, "
            "under an audit firm. Your firm's administrator confirms that you work for it.",
        ),
        (
            "Complete your auditor profile",
            "Say which sectors and countries you audit and whether you agree to be named on "
            "the public register once accredited.",
        ),
        (
            "Take the training course",
            "The mandatory online course covers the standard, its sectors and how to audit "
            "against it. Work through it at your own pace.",
        ),
        (
            "Practise, then sit the exam",
            "A practice quiz shows where you stand. The timed exam is taken online; the "
            "course page says what must be done before it opens and how retakes work.",
        ),
        (
            "Apply for accreditation",
            "Send your application with your CV and evidence of audit experience. The "
            "secretariat checks every requirement and decides, with reasons.",
        ),
        (
            "Appear on the register",
            "Once accredited, you are listed (if you agreed) in the sectors and countries "
            "of your scope, and anyone can verify your certificate online.",
        ),
    ]
    _, created = _child(
        home,
        AuditorPathwayPage,
        "become-an-auditor",
        title="How to become an accredited auditor",
        intro="Accredited auditors audit sites and supply chains against the standards. "
        "Here is the path from sign-up to the public register, what is checked on the way "
        "and what it costs.",
        typical_duration="6 to 10 weeks from sign-up to accreditation, mostly your own pace "
        "through the course and the secretariat's review of your application (up to 15 "
        "working days).",
        body=_stream(
            [("heading", {"text": "The steps", "level": "h2"})]
            + [
                block
                for number, (title, text) in enumerate(steps, start=1)
                for block in (
                    ("heading", {"text": f"{number}. {title}", "level": "h3"}),
                    ("paragraph", f"<p>{text}</p>"),
                )
            ]
        ),
    )
    if created:
        _say(stdout, "page /become-an-auditor/")
    _contact_page(home, stdout)

    recordings_index, created = _child(
        home,
        RecordingIndexPage,
        "recordings",
        title="45 minutes on …",
        intro="A webinar series on the standards and on good practice, by and for members. "
        "Join a live session or watch a recording.",
    )
    learning_index, created = _child(
        home,
        LearningModuleIndexPage,
        "learning",
        title="Learning modules",
        intro="Self-paced modules on the standards and on due diligence. Mark each one "
        "complete when you are done; your progress shows on your dashboard.",
    )

    modules = []
    for spec in MODULES:
        module, created = _child(
            learning_index,
            LearningModulePage,
            spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            audience=spec["audience"],
            visibility=spec["visibility"],
            standard=spec["standard"],
            sectors=spec["sectors"],
            estimated_minutes=spec["minutes"],
            body=_module_body(
                spec, banner, video if spec is MODULES[0] else None, captions,
                _knowledge_check_quiz(spec, quiz), recordings_index,
            ),
        )  # fmt: skip
        coc = spec["standard"] == Standard.CHAIN_OF_CUSTODY
        if (
            coc
            and not created
            and _point_knowledge_checks_at(module, _knowledge_check_quiz(spec, quiz))
        ):
            _say(stdout, f"learning module {module.title}: knowledge check updated")
        if created:
            module.topics.add(*spec["topics"])
            module.save_revision().publish()
            _say(stdout, f"learning module {module.title}")
        modules.append(module)

    if not home.featured_modules.exists():
        for order, module in enumerate(modules[:3]):
            HomePageFeaturedModule.objects.create(page=home, module=module, sort_order=order)

    today = timezone.localdate()
    for slug, title, days, topics, members_only, speaker_ids, has_video in RECORDINGS:
        if recordings_index.get_children().filter(slug=slug).exists():
            continue
        upcoming = days > 0
        slides = None
        if not upcoming:
            slides = _document(
                f"Slides: {title}",
                f"{slug}-slides.pdf",
                _slides_pdf(title, [chapter for _, chapter in CHAPTERS]),
            )
        recording, _ = _child(
            recordings_index,
            RecordingPage,
            slug,
            title=title,
            summary=f"{title.replace('45 minutes on … ', '').capitalize()}: what the "
            "standards require, how members do it, and questions from the audience.",
            session_date=today + datetime.timedelta(days=days),
            session_time=datetime.time(14, 0),
            time_zone="Europe/London" if days % 2 == 0 else "Europe/Berlin",
            duration_minutes=45,
            registration_url="https://events.example.org/45-minutes-on" if upcoming else "",
            visibility=Visibility.MEMBERS if members_only else Visibility.PUBLIC,
            video=(members_video if members_only else video)
            if has_video and not upcoming
            else None,
            video_url="" if has_video or upcoming else "https://video.example.org/asi/" + slug,
            captions=(members_captions if members_only else captions)
            if has_video and not upcoming
            else None,
            slides=slides,
            transcript=""
            if upcoming
            else (
                "Host: Welcome to 45 minutes on this topic. Today our speakers share how "
                "their organisations approach it.\n\nSpeaker: We started with a map of our "
                "sites and the risks at each one, then agreed on indicators we could "
                "measure every quarter.\n\nHost: Thank you. Let us take questions from "
                "the audience."
            ),
        )
        recording.topics.add(*topics)
        for order, index in enumerate(speaker_ids):
            RecordingSpeaker.objects.create(
                page=recording, person=speakers[index], sort_order=order
            )
        if not upcoming:
            for order, (stamp, chapter) in enumerate(CHAPTERS):
                RecordingChapter.objects.create(
                    page=recording, timestamp=stamp, title=chapter, sort_order=order
                )
        recording.save_revision().publish()
        _say(stdout, f"recording {title}")
